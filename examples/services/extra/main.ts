/**
 * Starts every stand-in the examples call — the shared ones of
 * `examples/services` and the extra ones here — on the ports the examples'
 * `settings.vars` expect, so `switchyard run examples/<id>.json` needs no
 * overrides. Ctrl-C stops them.
 *
 *   node --import tsx examples/services/extra/main.ts
 */
import { DEFAULT_PORTS, startExampleServices } from './index';

const stand = await startExampleServices({ port: DEFAULT_PORTS.services, extraPort: DEFAULT_PORTS.extra, smtpPort: DEFAULT_PORTS.smtp });
console.log(`Stand-ins for the examples:
  shared   ${stand.services.urls.base}  (ml, cms, braze, push; SMTP ${stand.services.urls.smtp})
  extra    ${stand.extra.urls.base}  (esp, flags, accounts, keys, audit, payments)

Run an example against them:
  export SWITCHYARD_ALLOW_HOSTS=127.0.0.1
${Object.entries(stand.secrets)
  .map(([name, value]) => `  export SWITCHYARD_SECRET_${name}=${value}`)
  .join('\n')}
  switchyard run examples/account-deletion.json --input examples/inputs/account-deletion.json`);

const stop = async () => {
  await stand.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

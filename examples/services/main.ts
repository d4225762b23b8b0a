/**
 * Starts the stand-ins and prints their URLs and the settings that point the
 * examples at them. Ctrl-C stops them.
 *
 *   node --import tsx examples/services/main.ts [--port 4010] [--smtp-port 2525]
 */
import { parseArgs } from 'node:util';
import { startServices } from './index';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'smtp-port': { type: 'string' } } });
const services = await startServices({
  port: values.port ? Number(values.port) : Number(process.env.SERVICES_PORT ?? 0),
  smtpPort: values['smtp-port'] ? Number(values['smtp-port']) : 0,
});
const { urls } = services;
console.log(`ML recommendations  ${urls.ml}/predict
Content service     ${urls.content}/content?segment=…&variant=personalized|default
Braze REST          ${urls.braze}   (API key: ${services.brazeApiKey})
Push endpoint       ${urls.push}/send   (bearer key: ${services.pushApiKey})
SMTP sink           ${urls.smtp}   (records: ${urls.base}/smtp/__records)

Point Switchyard at them:
  export SWITCHYARD_ALLOW_HOSTS=127.0.0.1
  export SWITCHYARD_VAR_ML_URL=${urls.ml} SWITCHYARD_VAR_CONTENT_URL=${urls.content}
  export SWITCHYARD_VAR_BRAZE_URL=${urls.braze} SWITCHYARD_VAR_PUSH_URL=${urls.push}
  export SWITCHYARD_VAR_SMTP_HOST=127.0.0.1 SWITCHYARD_VAR_SMTP_PORT=${services.smtp.port}`);

const stop = async () => {
  await services.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

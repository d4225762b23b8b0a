import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import emailSend from '../../nodes/integrations/email-send';
import pushSend from '../../nodes/integrations/push-send';
import { startServices, type RunningServices } from '../../examples/services';
import { createHttpClient } from '../../engine/http';
import { nodeContext, type TestContextOptions } from '../http/node-context';

let services: RunningServices;
beforeAll(async () => {
  services = await startServices({ smtpUsers: { mailer: 'mail-pw' }, pushApiKey: 'push-key-1' });
});
afterAll(() => services.close());
beforeEach(() => services.reset());

const mailConfig = () => ({
  host: '127.0.0.1',
  port: services.smtp.port,
  from: 'Growth <growth@example.com>',
  to: 'ada@example.com, bob@example.com',
  subject: 'Picked for high-value',
  text: 'Hello Ada, here are your picks: Ultralight tent.',
});
const sendMail = (config: Record<string, unknown> = {}, options: TestContextOptions = {}) =>
  Promise.resolve(emailSend.run(nodeContext(emailSend, { ...mailConfig(), ...config }, { secrets: { SMTP_USER: 'mailer', SMTP_PASSWORD: 'mail-pw' }, ...options })));

describe('email.send', () => {
  it('delivers through SMTP with the credentials from secrets; the sink records the message', async () => {
    const result = (await sendMail({ html: '<p>Hello <b>Ada</b></p>' }, { idempotencyKey: 'run-5:n18' })) as {
      output: { messageId: string; accepted: string[]; rejected: string[] };
    };
    expect(result.output.accepted).toEqual(['ada@example.com', 'bob@example.com']);
    expect(result.output.rejected).toEqual([]);
    expect(result.output.messageId).toBe('<run-5.n18@switchyard>');
    expect(services.smtp.messages).toHaveLength(1);
    const [mail] = services.smtp.messages;
    expect(mail).toMatchObject({
      from: 'growth@example.com',
      to: ['ada@example.com', 'bob@example.com'],
      user: 'mailer',
      subject: 'Picked for high-value',
      messageId: '<run-5.n18@switchyard>',
      text: 'Hello Ada, here are your picks: Ultralight tent.',
      html: '<p>Hello <b>Ada</b></p>',
    });
  });

  it('refuses wrong credentials without retry', async () => {
    const error = await sendMail({ password: 'nope' }).catch((e) => e);
    expect(error.message).toMatch(/^email\.send: 127\.0\.0\.1:\d+ refused the login/);
    expect(error.retryable).toBe(false);
    expect(services.smtp.messages).toHaveLength(0);
  });

  it('treats a 451 from the server as temporary', async () => {
    services.recorders.smtp.addFault({ kind: 'error' });
    const error = await sendMail().catch((e) => e);
    expect(error.message).toMatch(/refused the message: .*451/);
    expect(error.retryable).not.toBe(false);
    await expect(sendMail()).resolves.toMatchObject({ output: { accepted: ['ada@example.com', 'bob@example.com'] } });
  });

  it('holds the SMTP host to the outbound rules of the engine\'s client', async () => {
    const refused = await sendMail({ host: '127.0.0.2' }).catch((e) => e);
    expect(refused.message).toBe('email.send: 127.0.0.2 is a loopback address; add it to SWITCHYARD_ALLOW_HOSTS to allow it');
    const byName = await sendMail({ host: 'localhost' }, { http: createHttpClient({ allowHosts: [] }) }).catch((e) => e);
    expect(byName.message).toMatch(/email\.send: localhost resolves to 127\.0\.0\.1, a loopback address/);
    expect(services.smtp.messages).toHaveLength(0);
  });

  it('hangs up on the SMTP server when the step is cancelled mid-conversation', async () => {
    // A server that accepts and never greets: the send waits on it until the step is cancelled.
    const closed: Promise<void>[] = [];
    const silent = net.createServer((socket) => closed.push(new Promise((resolve) => socket.on('close', () => resolve()))));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const cancel = new AbortController();
      const sending = sendMail({ port }, { signal: cancel.signal }).catch((e) => e);
      await expect.poll(() => closed.length).toBe(1);
      cancel.abort();
      const error = await sending;
      expect(error.message).toBe(`email.send: cancelled while talking to 127.0.0.1:${port}`);
      expect(error.retryable).not.toBe(false);
      // The connection ends with the step, not when the 30 s greeting timeout would have ended it.
      await expect(Promise.race([closed[0].then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 2_000))])).resolves.toBe('closed');
    } finally {
      silent.close();
    }
  });

  it('asks for text or html in validation', () => {
    const { text: _text, ...withoutBody } = { ...mailConfig(), port: 25 };
    expect(emailSend.check!(emailSend.config.parse(withoutBody))).toEqual([{ path: ['text'], message: 'Give text or html' }]);
  });
});

const push = (config: Record<string, unknown> = {}, options: TestContextOptions = {}) =>
  Promise.resolve(
    pushSend.run(
      nodeContext(pushSend, { url: `${services.urls.push}/send`, to: 'device-abc', title: 'Your pick', body: 'Ultralight tent is back', ...config }, {
        secrets: { PUSH_API_KEY: 'push-key-1' },
        ...options,
      }),
    ),
  );

describe('push.send', () => {
  it('POSTs { to, title, body, data } with the bearer key and outputs the provider answer', async () => {
    const result = await push({}, { evaluated: { data: { sku: 'sku-104' } }, idempotencyKey: 'run-6:n19' });
    expect(result).toEqual({ output: { id: expect.stringMatching(/^push-\d+$/), status: 'accepted', to: 'device-abc' } });
    const record = services.recorders.push.records.at(-1)!;
    expect(record.body).toEqual({ to: 'device-abc', title: 'Your pick', body: 'Ultralight tent is back', data: { sku: 'sku-104' } });
    expect(record.headers.authorization).toBe('Bearer push-key-1');
    expect(record.headers['idempotency-key']).toBe('run-6:n19');
  });

  it('fails retryably on a 500 from the provider and names empty fields before calling', async () => {
    services.recorders.push.addFault({ kind: 'error', status: 503 });
    const error = await push().catch((e) => e);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(error.message).toMatch(/^push\.send: POST .*\/push\/send answered 503/);
    await expect(push({ to: '' })).rejects.toThrow('push.send: to is empty (config.to)');
    await expect(push({}, { evaluated: { data: [1] } })).rejects.toThrow(/data must be an object/);
  });
});

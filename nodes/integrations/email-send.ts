/**
 * `email.send`: sends one email over SMTP with nodemailer. The SMTP host is
 * held to the same outbound rules as HTTP: it is resolved and checked by the
 * engine's guard, and nodemailer connects to the checked address (the host
 * name is kept for TLS verification).
 */
import nodemailer from 'nodemailer';
import { outboundGuardOf } from '../../engine/http/client';
import { defineNode, template, z } from '../sdk';
import { configError } from './api-call';

const caller = 'email.send';

export default defineNode({
  type: 'email.send',
  title: 'Send email',
  category: 'Integrations',
  description: 'Sends an email through an SMTP server. Outputs { messageId, accepted, rejected, response }.',
  config: z.object({
    host: template('SMTP server, e.g. smtp.sendgrid.net or {{ vars.SMTP_HOST }}'),
    port: z.coerce.number().int().min(1).max(65_535).default(587),
    secure: z.boolean().default(false).describe('TLS from the start (port 465); otherwise STARTTLS when offered'),
    username: template('default: the secret SMTP_USER').optional(),
    password: template('default: the secret SMTP_PASSWORD').optional(),
    from: template('e.g. "Growth team <growth@example.com>"'),
    to: template('One address or several, comma-separated'),
    cc: template().optional(),
    bcc: template().optional(),
    replyTo: template().optional(),
    subject: template(),
    text: template('Plain-text body').optional(),
    html: template('HTML body').optional(),
    timeoutMs: z.coerce.number().int().positive().max(600_000).default(30_000),
  }),
  outbound: true,
  check: (config) => (config.text === undefined && config.html === undefined ? [{ path: ['text'], message: 'Give text or html' }] : []),
  run: async (ctx) => {
    const { config } = ctx;
    for (const field of ['host', 'from', 'to', 'subject'] as const) {
      if (!String(config[field] ?? '').trim()) throw configError(caller, `${field} is empty (config.${field})`);
    }
    const host = config.host.trim();
    const [target] = await outboundGuardOf(ctx.http).check(host, caller);
    const user = config.username ?? ctx.secrets.SMTP_USER;
    const pass = config.password ?? ctx.secrets.SMTP_PASSWORD;
    const transport = nodemailer.createTransport({
      host: target.address,
      // Keeps SNI and certificate checks on the name the user configured, not the pinned IP.
      ...(target.address !== host.replace(/^\[|\]$/g, '') ? { servername: host } : {}),
      port: config.port,
      secure: config.secure,
      ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    });
    try {
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        ...(config.cc ? { cc: config.cc } : {}),
        ...(config.bcc ? { bcc: config.bcc } : {}),
        ...(config.replyTo ? { replyTo: config.replyTo } : {}),
        subject: config.subject,
        ...(config.text !== undefined ? { text: config.text } : {}),
        ...(config.html !== undefined ? { html: config.html } : {}),
        // Derived from the idempotency key, so a re-sent message after a crash carries the same Message-ID.
        messageId: `<${ctx.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '.')}@switchyard>`,
        // nodemailer closes the connection when the step is cancelled or times out; closing the transport would not.
        signal: ctx.signal,
      });
      return {
        output: {
          messageId: info.messageId,
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
          response: info.response,
        },
      };
    } catch (error) {
      if (ctx.signal.aborted) throw new Error(`${caller}: cancelled while talking to ${host}:${config.port}`, { cause: error });
      throw smtpError(error as Error & { code?: string; responseCode?: number }, host, config.port);
    } finally {
      transport.close();
    }
  },
});

/** Names the SMTP failure and tells the engine whether trying again can help (5xx and bad credentials cannot). */
function smtpError(error: Error & { code?: string; responseCode?: number }, host: string, port: number): Error {
  if (error.message.startsWith(`${caller}:`)) return error;
  const where = `${host}:${port}`;
  const message =
    error.code === 'EAUTH'
      ? `${caller}: ${where} refused the login: ${error.message} (check the username and password secrets)`
      : error.responseCode
        ? `${caller}: ${where} refused the message: ${error.message}`
        : `${caller}: could not deliver through ${where}: ${error.message}`;
  const permanent = error.code === 'EAUTH' || (error.responseCode !== undefined && error.responseCode >= 500);
  return Object.assign(new Error(message), {
    ...(permanent ? { retryable: false } : {}),
    ...(error.responseCode ? { responseCode: error.responseCode } : {}),
  });
}

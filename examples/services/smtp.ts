/**
 * An SMTP sink for `email.send`: accepts mail on 127.0.0.1 with the
 * `smtp-server` package and records each message (envelope, headers, plain
 * text) instead of delivering it. With `users` set it requires AUTH.
 * Faults queued on its recorder reject the next messages with 451 (a
 * temporary failure, as a busy relay answers).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ServiceRecorder } from './recorder';

/** A message as the sink received it. */
export interface ReceivedMail {
  at: string;
  /** SMTP envelope sender and recipients. */
  from: string;
  to: string[];
  /** The AUTH user, if any. */
  user?: string;
  subject: string;
  messageId: string;
  headers: Record<string, string>;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded, if any. */
  html?: string;
  raw: string;
}

export interface SmtpSinkOptions {
  port?: number;
  host?: string;
  /** user → password; when set, clients must authenticate. */
  users?: Record<string, string>;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Received messages, oldest first. */
  readonly messages: ReceivedMail[];
  recorder: ServiceRecorder;
  close(): Promise<void>;
}

function decodeWords(text: string): string {
  return text.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_m, _charset, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const gap = raw.search(/\r?\n\r?\n/);
  if (gap < 0) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, gap)), body: raw.slice(gap).replace(/^\r?\n\r?\n/, '') };
}

function decodeBody(body: string, encoding = ''): string {
  const kind = encoding.toLowerCase();
  if (kind === 'quoted-printable') return decodeQuotedPrintable(body);
  if (kind === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Finds the text and html parts, descending into multipart bodies. */
function findParts(entity: { headers: Record<string, string>; body: string }, found: { text?: string; html?: string }): void {
  const type = entity.headers['content-type'] ?? 'text/plain';
  const boundary = type.match(/boundary="?([^";]+)"?/i)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of entity.body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      findParts(splitEntity(part.replace(/^\r?\n/, '')), found);
    }
    return;
  }
  const decoded = decodeBody(entity.body, entity.headers['content-transfer-encoding']).replace(/\r?\n$/, '');
  if (/^text\/html/i.test(type)) found.html ??= decoded;
  else if (/^text\/plain/i.test(type)) found.text ??= decoded;
}

/**
 * Parses the parts of a simple message that tests assert on.
 *
 * @example parseMail(raw).subject
 */
export function parseMail(raw: string): Pick<ReceivedMail, 'subject' | 'messageId' | 'headers' | 'text' | 'html'> {
  const entity = splitEntity(raw);
  const found: { text?: string; html?: string } = {};
  findParts(entity, found);
  return {
    subject: decodeWords(entity.headers.subject ?? ''),
    messageId: entity.headers['message-id'] ?? '',
    headers: entity.headers,
    text: found.text ?? '',
    ...(found.html !== undefined ? { html: found.html } : {}),
  };
}

/**
 * Starts the sink on 127.0.0.1 (a free port by default).
 *
 * @example const smtp = await startSmtpSink({ users: { mailer: 'pw' } }); … smtp.messages[0].subject
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const recorder = new ServiceRecorder();
  const users = options.users;
  const server = new SMTPServer({
    logger: false,
    banner: 'Switchyard SMTP sink',
    disabledCommands: ['STARTTLS'],
    authOptional: !users,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (users && users[auth.username ?? ''] === auth.password) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = recorder.takeFault();
        if (fault) {
          return callback(Object.assign(new Error('Mailbox busy, try again later (injected fault)'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          at: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...(session.user ? { user: String(session.user) } : {}),
          ...parseMail(raw),
          raw,
        };
        recorder.records.push({ at: mail.at, method: 'SMTP', path: 'DATA', query: {}, headers: mail.headers, body: mail });
        callback(null, `Message queued as ${recorder.records.length}`);
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    recorder,
    // Derived from the recorder so `DELETE /smtp/__records` clears both.
    get messages() {
      return recorder.records.map((r) => r.body as ReceivedMail);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

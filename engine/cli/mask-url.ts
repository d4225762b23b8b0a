/**
 * Connection URLs carry passwords (`redis://:secret@host`,
 * `postgres://user:secret@host/db?password=…`); a message or a log line that
 * names the URL must not carry them on.
 */

/** Query parameters that hold a password in the URLs `pg` and `ioredis` read. */
const SECRET_PARAMS = ['password', 'pass', 'sslpassword'];

/**
 * The URL with its password (in the user info or the query) replaced by `***`.
 *
 * @example maskUrl('postgres://app:s3cret@db:5432/switchyard') // → 'postgres://app:***@db:5432/switchyard'
 * @example maskUrl('redis://:s3cret@127.0.0.1:6379') // → 'redis://:***@127.0.0.1:6379'
 */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL the WHATWG parser reads: still hide what looks like `//user:password@`.
    return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
  if (url.password) url.password = '***';
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  return url.toString();
}

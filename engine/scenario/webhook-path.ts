/**
 * How webhook paths are compared: `segment/users`, `/segment/users` and
 * `segment/users/` are one path. The server's webhook index keys by it, and
 * the editor uses it to find a free path for a copy; it stays free of
 * imports so the editor's bundle can take it.
 */

/** @example webhookPathKey('/segment/users/') // 'segment/users' */
export const webhookPathKey = (path: string): string => path.replace(/^\/+|\/+$/g, '');

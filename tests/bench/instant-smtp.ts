/**
 * The benchmarks want stand-ins that answer at once, but smtp-server holds
 * every greeting back 100 ms to catch clients that talk too early — a fixed
 * 100 ms on every email run, the same for the plain function and Switchyard,
 * that would hide everything else in the latency columns. Imported by the
 * benchmark before the stand-ins start, this greets at once (in this process
 * only; the stand-ins themselves are unchanged).
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

type Connection = { _server: { options: { maxClients?: number }; connections: Set<unknown> }; _setListeners(cb: () => void): void; send(code: number, text: string, keep: boolean): void; connectionReady(): void; name: string };

(SMTPConnection.prototype as unknown as { init(this: Connection): void }).init = function init(this: Connection) {
  this._setListeners(() => {
    const { maxClients } = this._server.options;
    if (maxClients && this._server.connections.size > maxClients) return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
    this.connectionReady();
  });
};

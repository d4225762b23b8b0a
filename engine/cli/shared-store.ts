/**
 * BullMQ mode spreads a run over processes: `serve` stores the scenario and
 * queues the run, a worker anywhere reads the scenario back and records the
 * history. Without `DATABASE_URL` each process opens its own PGlite (PGlite
 * is one process's database), so a separate worker finds none of the
 * server's scenarios and every run stays `queued`. That is refused at start
 * rather than discovered run by run.
 */

/**
 * Why `command` cannot start with this environment, or undefined when it can.
 * `serve` in BullMQ mode with its own worker (`SWITCHYARD_SERVE_WORKER=1`) is
 * one process and may keep PGlite.
 *
 * @example sharedStoreProblem('worker', { REDIS_URL: 'redis://localhost' }) // → 'switchyard worker: BullMQ mode (REDIS_URL) needs …'
 */
export function sharedStoreProblem(command: 'serve' | 'worker', env: NodeJS.ProcessEnv): string | undefined {
  if (!env.REDIS_URL || env.DATABASE_URL) return undefined;
  if (command === 'serve' && env.SWITCHYARD_SERVE_WORKER === '1') return undefined;
  const why =
    'BullMQ mode (REDIS_URL) needs a PostgreSQL database shared by the server and every worker: set DATABASE_URL. ' +
    "Without it this process would use its own PGlite database, which no other process can read, so runs queued by one would never run on another.";
  return command === 'worker'
    ? `switchyard worker: ${why}`
    : `switchyard serve: ${why} (For a single process without PostgreSQL, leave REDIS_URL unset, or set SWITCHYARD_SERVE_WORKER=1 to run the worker in this serve process.)`;
}

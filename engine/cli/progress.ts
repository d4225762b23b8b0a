/**
 * How `switchyard run` shows steps as they finish: one live status line on a
 * terminal, plain lines when the output is piped.
 */
import type { RunEvent } from '../runtime/types';

export interface ProgressPrinter {
  event(event: RunEvent): void;
  done(): void;
}

/**
 * @example const progress = progressPrinter(process.stderr); engine.events.subscribe(progress.event);
 */
export function progressPrinter(stream: NodeJS.WriteStream, labels: Map<string, string>): ProgressPrinter {
  const live = Boolean(stream.isTTY);
  let count = 0;
  const name = (nodeId: string) => (labels.get(nodeId) ? `${nodeId} (${labels.get(nodeId)})` : nodeId);
  return {
    event(event) {
      if (event.type !== 'step.finished') return;
      count++;
      const line = `${event.status.padEnd(9)} ${name(event.nodeId)}${event.error ? ` — ${event.error}` : ''} ${event.durationMs} ms`;
      if (live) stream.write(`\r\x1b[2K[${count}] ${line}`);
      else stream.write(`${line}\n`);
    },
    done() {
      if (live && count) stream.write('\n');
    },
  };
}

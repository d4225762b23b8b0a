/** Live run events within one process (embedded mode). */
import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBus } from '../types';

export class MemoryEventBus implements RunEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(event: RunEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

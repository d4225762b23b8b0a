import { useEffect } from 'react';
import { api } from '../api/client';
import type { RunOverview } from '../api/types';
import { applyRunEvent, runStore, showRecord } from '../store/run-store';
import { useStore } from './use-store';

const EVENT_TYPES = ['snapshot', 'run.started', 'step.started', 'step.finished', 'run.waiting', 'run.finished'];
const FINAL = new Set(['succeeded', 'failed', 'incomplete', 'cancelled', 'waiting']);

/**
 * Follows the current run over server-sent events (`GET /api/runs/:id/events`)
 * and, when it ends or waits, loads its overview for the inspector. Only ever
 * the overview (`?steps=summary`), for the snapshot and every check too: the
 * whole record of a run over a customer data set is 25 MB and seconds to
 * answer; a step's input and output are fetched when someone opens it.
 *
 * @example useRunEvents(); // anywhere inside the scenario page
 */
export function useRunEvents(): void {
  const runId = useStore(runStore, (s) => s.runId);
  const live = useStore(runStore, (s) => s.status === 'running' || s.status === 'queued');
  useEffect(() => {
    if (!runId || !live) return;
    const source = new EventSource(api.runEventsUrl(runId));
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The record may trail the final event by a moment (it is saved at the end of the segment):
    // fetch until it is final too, showing the event's status meanwhile.
    const load = (attempt: number, eventStatus?: string) => {
      api.getRunOverview(runId).then(
        (record) => {
          if (runStore.get().runId !== runId) return;
          if (!FINAL.has(record.status) && attempt < 20) {
            timer = setTimeout(() => load(attempt + 1, eventStatus), 250);
            return;
          }
          showRecord(FINAL.has(record.status) || !eventStatus ? record : { ...record, status: eventStatus as RunOverview['status'] });
        },
        // Not found yet (the run is still being queued) or a network blip: try again shortly.
        () => attempt < 20 && (timer = setTimeout(() => load(attempt + 1, eventStatus), 250)),
      );
    };
    const finish = (eventStatus?: string) => {
      if (done) return;
      done = true;
      source.close();
      load(0, eventStatus);
    };
    const onMessage = (msg: MessageEvent<string>) => {
      let event: { type?: string; status?: string };
      try {
        event = JSON.parse(msg.data);
      } catch {
        return;
      }
      // The stream opens with a `snapshot` of the run record: what happened before we listened.
      if (msg.type === 'snapshot') {
        const record = event as unknown as RunOverview;
        if (record.steps) showRecord(record);
        if (record.status && FINAL.has(record.status)) finish(record.status);
        else runStore.set({ status: record.status });
        return;
      }
      // Servers may name the event in the SSE `event:` line, in the JSON, or both.
      const type = event.type ?? (msg.type !== 'message' ? msg.type : undefined);
      if (!type) return;
      applyRunEvent({ ...event, type } as Parameters<typeof applyRunEvent>[0]);
      if (type === 'run.finished') finish(event.status);
      else if (type === 'run.waiting') finish('waiting');
    };
    source.onmessage = onMessage;
    for (const t of EVENT_TYPES) source.addEventListener(t, onMessage as EventListener);
    // The stream may fail (the run not visible yet when it opened) or miss the end; the record tells.
    // One check at a time: should the overview be slow to answer (a busy server), checks must not pile up.
    let checking = false;
    const check = setInterval(() => {
      if (done || checking) return;
      checking = true;
      api.getRunOverview(runId).then(
        (r) => {
          if (FINAL.has(r.status)) finish(r.status);
          else if (source.readyState === EventSource.CLOSED && !done) showRecord(r);
        },
        () => undefined,
      ).finally(() => (checking = false));
    }, 1000);
    return () => {
      clearInterval(check);
      clearTimeout(timer);
      source.close();
    };
  }, [runId, live]);
}

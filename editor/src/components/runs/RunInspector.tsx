/**
 * The operations of one node in the shown run: page through them and read
 * each input and output, error, attempts and timings; approve or reject a
 * waiting approval.
 */
import { useState } from 'react';
import { api } from '../../api/client';
import { useStore } from '../../hooks/use-store';
import { notify } from '../../store/editor-store';
import { beginRun, runStore, showRecord } from '../../store/run-store';
import { JsonTree } from './JsonTree';

/** @example <RunInspector nodeId="n8" /> */
export function RunInspector({ nodeId }: { nodeId: string }) {
  const record = useStore(runStore, (s) => s.record);
  const page = useStore(runStore, (s) => s.page);
  const [reviewer, setReviewer] = useState(() => localStorage.getItem('switchyard.reviewer') ?? '');
  const [comment, setComment] = useState('');
  if (!record) return null;
  const steps = record.steps.filter((s) => s.nodeId === nodeId);
  const wait = record.waits?.find((w) => w.nodeId === nodeId && w.kind === 'approval');
  const step = steps[Math.min(page, steps.length - 1)];
  const decide = async (decision: 'approved' | 'rejected') => {
    if (!reviewer.trim()) return notify('Name the reviewer first', 'error');
    localStorage.setItem('switchyard.reviewer', reviewer.trim());
    try {
      const run = await api.decide(record.id, nodeId, decision, reviewer.trim(), comment || undefined);
      if (run?.status === 'running' || run?.status === 'queued') beginRun(record.id);
      else if (run?.steps) showRecord(run);
      else beginRun(record.id);
      notify(`${decision === 'approved' ? 'Approved' : 'Rejected'} as ${reviewer.trim()}`);
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  return (
    <section className="inspector" data-testid="inspector">
      <h3>Run {record.id.slice(0, 12)} · {nodeId}</h3>
      {wait ? (
        <div className="approval" data-testid="approval">
          <p><strong>Waiting for review</strong>{wait.reviewers?.length ? ` by ${wait.reviewers.join(', ')}` : ''}{wait.message ? `: ${wait.message}` : ''}</p>
          {/* Visible labels: once filled in, a placeholder no longer says which box is which. */}
          <div className="field">
            <label htmlFor={`${nodeId}-reviewer`}>Reviewer</label>
            <input id={`${nodeId}-reviewer`} placeholder="Your name" value={reviewer} onChange={(e) => setReviewer(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${nodeId}-comment`}>Comment (optional)</label>
            <input id={`${nodeId}-comment`} placeholder="Why, for the run's record" value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <div className="button-row">
            <button className="primary" onClick={() => void decide('approved')}>Approve</button>
            <button className="danger" onClick={() => void decide('rejected')}>Reject</button>
          </div>
        </div>
      ) : null}
      {!steps.length && !wait ? <p className="muted">This node did not run in this run.</p> : null}
      {step ? (
        <>
          <div className="pager">
            <button disabled={page <= 0} onClick={() => runStore.set({ page: page - 1 })} aria-label="Previous operation">‹</button>
            <span data-testid="operation-pager">Operation {Math.min(page, steps.length - 1) + 1} of {steps.length}</span>
            <button disabled={page >= steps.length - 1} onClick={() => runStore.set({ page: page + 1 })} aria-label="Next operation">›</button>
          </div>
          <dl className="facts">
            <dt>Status</dt><dd><span className={`status status--${step.status}`}>{step.status}</span>{step.port && step.port !== 'out' ? ` on ${step.port}` : ''}</dd>
            <dt>Attempts</dt><dd>{step.attempts}</dd>
            <dt>Started</dt><dd>{new Date(step.startedAt).toLocaleTimeString()}</dd>
            <dt>Took</dt><dd>{step.durationMs !== undefined ? `${step.durationMs} ms` : '—'}</dd>
          </dl>
          {step.error ? <div className="step-error" data-testid="step-error">{step.error.message}</div> : null}
          {step.note ? <div className="muted small">{step.note}</div> : null}
          <h4>Input</h4>
          <JsonTree value={step.input} testId="step-input" />
          <h4>Output</h4>
          {step.output === undefined ? <p className="muted small">No output.</p> : <JsonTree value={step.output} testId="step-output" />}
        </>
      ) : null}
    </section>
  );
}

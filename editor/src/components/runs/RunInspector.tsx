/**
 * The operations of one node in the shown run: page through them and read
 * each input and output, error, attempts, timings and bundle counts; approve
 * or reject a waiting approval. The run's overview has each operation's
 * facts; its input and output are fetched when it is shown.
 */
import { useState } from 'react';
import { api } from '../../api/client';
import { useRunStep } from '../../hooks/use-run-step';
import { useStore } from '../../hooks/use-store';
import { notify } from '../../store/editor-store';
import { beginRun, runStore, showRecord } from '../../store/run-store';
import { JsonTree } from './JsonTree';

/** A size as people read it: 812 B, 4.2 KB, 1.1 MB. @example byteSize(1_157_387) // → '1.1 MB' */
function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const [value, unit] = bytes < 1e6 ? [bytes / 1e3, 'KB'] : [bytes / 1e6, 'MB'];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** @example <RunInspector nodeId="n8" /> */
export function RunInspector({ nodeId }: { nodeId: string }) {
  const record = useStore(runStore, (s) => s.record);
  const page = useStore(runStore, (s) => s.page);
  const [reviewer, setReviewer] = useState(() => localStorage.getItem('switchyard.reviewer') ?? '');
  const [comment, setComment] = useState('');
  // Each operation with its place in the run's steps, by which its input and output are fetched.
  const steps = (record?.steps ?? []).flatMap((s, index) => (s.nodeId === nodeId ? [{ ...s, index }] : []));
  const step = steps[Math.min(page, steps.length - 1)];
  const data = useRunStep(step?.index);
  if (!record) return null;
  const wait = record.waits?.find((w) => w.nodeId === nodeId && w.kind === 'approval');
  const decide = async (decision: 'approved' | 'rejected') => {
    if (!reviewer.trim()) return notify('Name the reviewer first', 'error');
    localStorage.setItem('switchyard.reviewer', reviewer.trim());
    try {
      const run = await api.decide(record.id, nodeId, decision, reviewer.trim(), comment || undefined);
      // The decision answers the run's overview after it: shown as it is, and followed on while it runs.
      if (run?.steps) showRecord(run);
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
            <dt>Bundles</dt><dd data-testid="step-bundles">{step.bundlesIn} in · {step.bundlesOut} out</dd>
          </dl>
          {step.error ? <div className="step-error" data-testid="step-error">{step.error.message}</div> : null}
          {step.note ? <div className="muted small">{step.note}</div> : null}
          {data.error ? <div className="step-error" data-testid="step-data-error">Could not load this operation's data: {data.error}</div> : null}
          <h4>Input <span className="muted small">{byteSize(step.inputBytes)}</span></h4>
          {data.step ? <JsonTree value={data.step.input} testId="step-input" /> : data.error ? null : <p className="muted small" data-testid="step-loading">Loading…</p>}
          <h4>Output {step.outputBytes ? <span className="muted small">{byteSize(step.outputBytes)}</span> : null}</h4>
          {!step.outputBytes ? <p className="muted small">No output.</p> : data.step ? <JsonTree value={data.step.output} testId="step-output" /> : data.error ? null : <p className="muted small">Loading…</p>}
        </>
      ) : null}
    </section>
  );
}

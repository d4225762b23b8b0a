/** Every problem of the open scenario; clicking one selects its node. */
import { useStore } from '../../hooks/use-store';
import { selectNode } from '../../store/graph-actions';
import { validationStore } from '../../store/validation-store';

/** @example <ProblemsList /> */
export function ProblemsList() {
  const problems = useStore(validationStore, (s) => s.problems);
  if (!problems.length) return <p className="muted" data-testid="problems-empty">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems-list">
      {problems.map((p, i) => (
        <li key={i} className={`problem problem--${p.severity}`}>
          <button className="link-button" disabled={!p.nodeId} onClick={() => p.nodeId && selectNode(p.nodeId)}>
            <span className="severity">{p.severity}</span> <code>{p.path}</code>
          </button>
          <div>{p.message}</div>
        </li>
      ))}
    </ul>
  );
}

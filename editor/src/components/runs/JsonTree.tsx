/** A JSON value as a collapsible tree (objects and arrays fold), for step inputs and outputs. */
import { useState } from 'react';

function Leaf({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">"{value}"</span>;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  return <span className="json-null">undefined</span>;
}

function Branch({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const isObj = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < 2);
  const key = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (!isObj) return <div className="json-row">{key}<Leaf value={value} /></div>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className="json-row">
      <button className="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>{open ? '▾' : '▸'}</button>
      {key}
      {open ? (
        <>
          {brackets[0]}
          <div className="json-children">
            {entries.map(([k, v]) => <Branch key={k} name={k} value={v} depth={depth + 1} />)}
          </div>
          {brackets[1]}
        </>
      ) : (
        <span className="muted">{brackets[0]} {entries.length} {Array.isArray(value) ? 'items' : 'keys'} {brackets[1]}</span>
      )}
    </div>
  );
}

/** @example <JsonTree value={step.output} /> */
export function JsonTree({ value, testId }: { value: unknown; testId?: string }) {
  return <div className="json-tree" data-testid={testId}><Branch value={value} depth={0} /></div>;
}

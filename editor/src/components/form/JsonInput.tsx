/** A JSON value edited as text; keeps the text while it does not parse and says where it breaks. */
import { useEffect, useState } from 'react';

export interface JsonInputProps {
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Told what is wrong with the text while it does not parse (undefined once it does): the value kept meanwhile is the last good one. */
  onInvalid?: (message: string | undefined) => void;
  rows?: number;
}

/** Parses JSON text, naming line and column of a syntax error. @example parseJson('{"a":1}') */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = Number(pos[1]) - before.lastIndexOf('\n');
      return { ok: false, message: `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}` };
    }
    return { ok: false, message };
  }
}

/** @example <JsonInput id="input" value={bundle} onChange={setBundle} /> */
export function JsonInput({ id, value, onChange, onInvalid, rows = 4 }: JsonInputProps) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    // Follow outside changes (undo) unless the text already means the same value.
    const current = parseJson(text);
    if (!current.ok || JSON.stringify(current.value) !== JSON.stringify(value)) {
      setText(value === undefined ? '' : JSON.stringify(value, null, 2));
      setError(undefined);
      onInvalid?.(undefined);
    }
  }, [value]);
  return (
    <div>
      <textarea
        id={id} className={`code ${error ? 'is-invalid' : ''}`} rows={rows} value={text} spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseJson(e.target.value);
          setError(parsed.ok ? undefined : parsed.message);
          onInvalid?.(parsed.ok ? undefined : parsed.message);
          if (parsed.ok) onChange(parsed.value);
        }}
      />
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}

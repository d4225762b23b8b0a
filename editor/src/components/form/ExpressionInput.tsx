/**
 * A JSONata field: parsed as you type (parse only, never evaluated on user
 * text without limits), the error shown with its position. With the last
 * run's data it previews the value the expression gives there.
 */
import { useEffect, useMemo, useState } from 'react';
import { checkExpression, DEFAULT_LIMITS, Expression } from '../../../../engine/expression/expression';
import { Template } from '../../../../engine/expression/template';

/**
 * The last run's data for an expression's preview (`{ input, trigger, steps, vars, run }`), as far as the
 * expression `source` reads it: fetched when a preview is due, not with every step of a large run up front.
 */
export type PreviewScope = (source: string) => Promise<Record<string, unknown> | undefined>;

export interface ExpressionInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** The last run's data for the preview. */
  previewScope?: PreviewScope;
  /** For `{{ }}` template fields: check each placeholder instead of the whole text. */
  template?: boolean;
}

interface ParseProblem {
  message: string;
  position?: number;
}

/** The first parse problem of an expression or template, with its position; the engine's own checks. @example problemOf('a +', false) */
export function problemOf(source: string, template: boolean): ParseProblem | undefined {
  if (!source.trim()) return undefined;
  if (!template) return checkExpression(source);
  try {
    new Template(source);
    return undefined;
  } catch (error) {
    return error as ParseProblem;
  }
}

/** @example <ExpressionInput id="subject" value={v} onChange={set} /> */
export function ExpressionInput({ id, value, onChange, placeholder, previewScope, template }: ExpressionInputProps) {
  const problem = useMemo(() => problemOf(value, Boolean(template)), [value, template]);
  const [preview, setPreview] = useState<string | undefined>();
  useEffect(() => {
    setPreview(undefined);
    if (template || problem || !value.trim() || !previewScope) return;
    let live = true;
    const timer = setTimeout(async () => {
      // No data to preview against (it could not be fetched): no preview, rather than an error that is not the expression's.
      const scope = await previewScope(value).catch(() => undefined);
      if (!live || !scope) return;
      // The engine's limits keep a runaway expression from freezing the tab.
      new Expression(value, { ...DEFAULT_LIMITS, timeoutMs: 500 }).evaluate(scope).then(
        (v) => live && setPreview(v === undefined ? '(nothing)' : JSON.stringify(v, null, 1)?.slice(0, 400)),
        (e: Error) => live && setPreview(`error: ${e.message}`),
      );
    }, 250);
    return () => { live = false; clearTimeout(timer); };
  }, [value, problem, previewScope, template]);
  return (
    <div className="expression">
      <textarea
        id={id} className={`code ${problem ? 'is-invalid' : ''}`} rows={Math.min(6, Math.max(1, value.split('\n').length))}
        value={value} placeholder={placeholder} spellCheck={false} aria-invalid={Boolean(problem)}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem ? (
        <div className="field-error" data-testid={`expr-error-${id}`}>
          {problem.message}{problem.position !== undefined ? ` (at character ${problem.position})` : ''}
        </div>
      ) : null}
      {preview !== undefined ? <pre className="preview" title="Value with the last run's data">= {preview}</pre> : null}
    </div>
  );
}

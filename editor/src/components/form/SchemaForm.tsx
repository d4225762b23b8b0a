/**
 * A config form generated from a node type's JSON Schema: no per-node form
 * code, so a custom node type gets its form for free. Strings, numbers,
 * booleans, enums, nested objects, string maps and arrays get widgets; what
 * the form cannot draw is edited as JSON.
 */
import { ExpressionInput, type PreviewScope } from './ExpressionInput';
import { JsonInput } from './JsonInput';
import { simplify, widgetOf, type JsonSchema } from './json-schema';

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Id prefix for inputs (and their labels). */
  idPrefix: string;
  previewScope?: PreviewScope;
  /** Problems by field path relative to the config (`url`, `headers.x`). */
  problems?: ReadonlyMap<string, string[]>;
}

interface FieldProps {
  id: string;
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  previewScope?: PreviewScope;
  problems?: ReadonlyMap<string, string[]>;
}

function Field({ id, path, schema: raw, value, onChange, previewScope, problems }: FieldProps) {
  const schema = simplify(raw);
  const widget = widgetOf(raw);
  switch (widget) {
    case 'expression':
      return <ExpressionInput id={id} value={typeof value === 'string' ? value : ''} onChange={(v) => onChange(v || undefined)} previewScope={previewScope} placeholder="JSONata, e.g. input.userId" />;
    case 'template':
    case 'string':
      // Every plain string in a config is a template; a `{{` turns on the placeholder check.
      return (
        <ExpressionInput
          id={id} template value={typeof value === 'string' ? value : ''} onChange={(v) => onChange(v === '' ? undefined : v)}
          placeholder={schema.default !== undefined ? String(schema.default) : widget === 'template' ? 'text with {{ expression }}' : ''}
        />
      );
    case 'enum':
      return (
        <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : schema.enum!.find((x) => String(x) === e.target.value))}>
          <option value="">{schema.default !== undefined ? `(default: ${String(schema.default)})` : '—'}</option>
          {schema.enum!.map((option) => <option key={String(option)} value={String(option)}>{String(option)}</option>)}
        </select>
      );
    case 'number':
      return (
        <input
          id={id} type="number" value={typeof value === 'number' ? value : ''} min={schema.minimum} max={schema.maximum}
          placeholder={schema.default !== undefined ? String(schema.default) : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'boolean':
      return <input id={id} type="checkbox" checked={value === undefined ? Boolean(schema.default) : Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
    case 'object':
      return (
        <fieldset className="nested">
          <Fields schema={schema} value={(value as Record<string, unknown>) ?? {}} onChange={(v) => onChange(Object.keys(v).length ? v : undefined)} idPrefix={id} pathPrefix={path} previewScope={previewScope} problems={problems} />
        </fieldset>
      );
    case 'record':
      return <RecordField id={id} value={(value as Record<string, string>) ?? {}} onChange={onChange} />;
    case 'array':
      return <ArrayField id={id} path={path} schema={schema} value={Array.isArray(value) ? value : []} onChange={onChange} previewScope={previewScope} problems={problems} />;
    default:
      return <JsonInput id={id} value={value} onChange={onChange} />;
  }
}

function RecordField({ id, value, onChange }: { id: string; value: Record<string, string>; onChange: (v: unknown) => void }) {
  const entries = Object.entries(value);
  const set = (next: Array<[string, string]>) => onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <div className="list">
      {entries.map(([k, v], i) => (
        <div className="list-row" key={i}>
          <input aria-label="name" value={k} onChange={(e) => set(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))} />
          <input aria-label="value" value={v} onChange={(e) => set(entries.map((x, j) => (j === i ? [x[0], e.target.value] : x)))} />
          <button className="icon-button" title="Remove" onClick={() => set(entries.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button id={id} className="link-button" onClick={() => set([...entries, [`key${entries.length + 1}`, '']])}>+ add</button>
    </div>
  );
}

function ArrayField({ id, path, schema, value, onChange, previewScope, problems }: FieldProps & { value: unknown[] }) {
  const items = schema.items ?? {};
  const set = (next: unknown[]) => onChange(next);
  const blank = () => {
    const w = widgetOf(items);
    return w === 'number' ? 0 : w === 'boolean' ? false : w === 'object' ? {} : '';
  };
  return (
    <div className="list">
      {value.map((item, i) => (
        <div className="list-row" key={i}>
          <Field id={`${id}-${i}`} path={`${path}[${i}]`} schema={items} value={item} previewScope={previewScope} problems={problems} onChange={(v) => set(value.map((x, j) => (j === i ? v : x)))} />
          <button className="icon-button" title="Remove" onClick={() => set(value.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button id={id} className="link-button" onClick={() => set([...value, blank()])}>+ add</button>
    </div>
  );
}

function Fields({ schema, value, onChange, idPrefix, pathPrefix, previewScope, problems }: SchemaFormProps & { pathPrefix: string }) {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  return (
    <>
      {properties.map(([key, field]) => {
        const id = `${idPrefix}-${key}`;
        const path = pathPrefix ? `${pathPrefix}.${key}` : key;
        // The field shows its own live JSONata error; the validator's copy of it would say the same twice.
        const messages = problems?.get(path)?.filter((m) => !/^(JSONata|Template): /.test(m) || !['expression', 'template', 'string'].includes(widgetOf(field)));
        return (
          <div className={`field ${messages?.length ? 'has-problem' : ''}`} key={key}>
            <label htmlFor={id}>
              {field.title ?? key}
              {required.has(key) ? <span className="required" title="required">*</span> : null}
              {simplify(field)['x-switchyard'] ? <span className="kind">{simplify(field)['x-switchyard']}</span> : null}
            </label>
            <Field
              id={id} path={path} schema={field} value={value[key]} previewScope={previewScope} problems={problems}
              onChange={(v) => {
                const next = { ...value };
                if (v === undefined) delete next[key];
                else next[key] = v;
                onChange(next);
              }}
            />
            {simplify(field).description ? <div className="hint">{simplify(field).description}</div> : null}
            {messages?.map((m) => <div className="field-error" key={m}>{m}</div>)}
          </div>
        );
      })}
    </>
  );
}

/** @example <SchemaForm schema={type.configSchema} value={node.config} onChange={setConfig} idPrefix="cfg" /> */
export function SchemaForm(props: SchemaFormProps) {
  const hasFields = Object.keys(props.schema.properties ?? {}).length > 0;
  if (!hasFields && widgetOf(props.schema) !== 'object') {
    return props.schema.type === 'object' && !props.schema.additionalProperties ? <p className="muted">This node type has no settings.</p> : <JsonInput id={props.idPrefix} value={props.value} onChange={(v) => props.onChange((v as Record<string, unknown>) ?? {})} />;
  }
  return <Fields {...props} pathPrefix="" />;
}

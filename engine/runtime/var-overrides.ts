/**
 * `SWITCHYARD_VAR_<NAME>` overrides of `settings.vars`. The environment only
 * holds text, but a scenario's expressions were written against the var's
 * own type (`input.x * vars.MULT` with `MULT: 2`), so an override takes the
 * type of the var it replaces instead of silently turning it into a string.
 */

const PREFIX = 'SWITCHYARD_VAR_';

/** An override whose text does not read as the type of the var it replaces. */
export class VarOverrideError extends Error {
  constructor(
    /** The environment variable, `SWITCHYARD_VAR_MULT`. */
    readonly variable: string,
    message: string,
    /** The var it overrides, as a path in the scenario: `settings.vars.MULT`. */
    readonly setting: string,
    /** What the text should have read as: `a number`, `a JSON array`, … */
    readonly expected: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'VarOverrideError';
  }
}

function kindOf(value: unknown): 'number' | 'boolean' | 'array' | 'object' | 'string' {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  // null and strings carry no type to keep: the override stays text.
  if (value !== null && typeof value === 'object') return 'object';
  return 'string';
}

/**
 * The value an override gives var `name`, read as the type of `current` (its
 * value in `settings.vars`): numbers and booleans are parsed, objects and
 * arrays read as JSON, anything else stays the text.
 *
 * @example overriddenVar('MULT', '3', 2) // → 3
 * @example overriddenVar('MULT', 'abc', 2) // throws 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is'
 */
export function overriddenVar(name: string, text: string, current: unknown): unknown {
  const kind = kindOf(current);
  if (kind === 'string') return text;
  const setting = `settings.vars.${name}`;
  const refuse = (what: string) => new VarOverrideError(`${PREFIX}${name}`, `${JSON.stringify(text)} is not ${what}, as ${setting} is`, setting, what);
  if (kind === 'number') {
    // Number('') and Number(' ') are 0: an empty override is a mistake, not zero.
    const value = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(value)) throw refuse('a number');
    return value;
  }
  if (kind === 'boolean') {
    const word = text.trim().toLowerCase();
    if (word !== 'true' && word !== 'false') throw refuse('a boolean (true or false)');
    return word === 'true';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse(kind === 'array' ? 'a JSON array' : 'a JSON object');
  }
  if (kindOf(value) !== kind) throw refuse(kind === 'array' ? 'a JSON array' : 'a JSON object');
  return value;
}

/**
 * `vars` with every `SWITCHYARD_VAR_<NAME>` of `env` applied; nothing else
 * from the environment reaches expressions.
 *
 * @example varsWithOverrides({ MULT: 2 }, { SWITCHYARD_VAR_MULT: '3' }) // → { MULT: 3 }
 */
export function varsWithOverrides(vars: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result: Record<string, unknown> = { ...vars };
  for (const [key, text] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || text === undefined) continue;
    const name = key.slice(PREFIX.length);
    const value = overriddenVar(name, text, Object.hasOwn(vars, name) ? vars[name] : undefined);
    // Defined, not assigned: SWITCHYARD_VAR___proto__ must not reach the object's prototype.
    Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/**
 * Every `SWITCHYARD_VAR_<NAME>` of `env` that does not read as the type of its var in `vars`, without
 * stopping at the first: what `serve` and `worker` warn about at start-up, for each stored scenario,
 * rather than letting its runs find out one request at a time.
 *
 * @example varOverrideProblems({ MULT: 2 }, { SWITCHYARD_VAR_MULT: 'abc' })[0].message // → 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is'
 */
export function varOverrideProblems(vars: Record<string, unknown>, env: NodeJS.ProcessEnv): VarOverrideError[] {
  const problems: VarOverrideError[] = [];
  for (const [key, text] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || text === undefined) continue;
    const name = key.slice(PREFIX.length);
    try {
      overriddenVar(name, text, Object.hasOwn(vars, name) ? vars[name] : undefined);
    } catch (error) {
      if (!(error instanceof VarOverrideError)) throw error;
      problems.push(error);
    }
  }
  return problems;
}

/**
 * Make functions with a JSONata equivalent. Arguments arrive translated;
 * a function with no equivalent is kept as a call of the same name (so the
 * expression still parses) and flagged, for the user to rewrite.
 */
import { momentToPicture } from './date-format';
import type { FormulaContext, Translated } from './formula';
import { fieldStep } from './formula';

type Translator = (args: Translated[], ctx: FormulaContext, name: string) => string | undefined;

const DAY = 86_400_000;

/** Milliseconds of a Make date (an ISO string, or already a number). */
function millis(date: Translated | undefined): string {
  if (!date || date.js === '$now()') return '$millis()';
  return `($d := ${date.js}; $type($d) = "number" ? $d : $toMillis($string($d)))`;
}

function arg(args: Translated[], i: number, fallback = '""'): string {
  return args[i]?.js ?? fallback;
}

/** `$fn(a)` for one array argument, `$fn` over all arguments when Make got several numbers. */
function numericAggregate(fn: string): Translator {
  return (args) => (args.length === 1 ? `${fn}(${arg(args, 0)})` : `${fn}(${args.map((a) => `[${a.js}]`).reduce((acc, next) => `$append(${acc}, ${next})`)})`);
}

function addTime(unitMs: number): Translator {
  return (args) => `$fromMillis(${millis(args[0])} + (${arg(args, 1, '0')}) * ${unitMs})`;
}

const FUNCTIONS: Record<string, Translator> = {
  formatDate(args, ctx) {
    const format = args[1]?.literal;
    if (format === 'X') return `$floor(${millis(args[0])} / 1000)`;
    if (format === 'x') return millis(args[0]);
    const picture = format !== undefined ? momentToPicture(format) : undefined;
    if (args[1] && picture === undefined) ctx.flag(`formatDate format ${args[1].literal !== undefined ? `"${args[1].literal}"` : '(computed)'} has no JSONata picture; it now gives ISO 8601`);
    if (args[2] && !/^(utc|z|gmt)$/i.test(args[2].literal ?? '')) ctx.flag('formatDate time zone argument is not translated; the date is formatted in UTC');
    return `$fromMillis(${millis(args[0])}${picture !== undefined ? `, ${JSON.stringify(picture)}` : ''})`;
  },
  parseDate(args, ctx) {
    const picture = args[1]?.literal !== undefined ? momentToPicture(args[1].literal) : undefined;
    if (args[1] && picture === undefined) ctx.flag('parseDate format is not translated; the text must be ISO 8601');
    return `$fromMillis($toMillis($string(${arg(args, 0)})${picture !== undefined ? `, ${JSON.stringify(picture)}` : ''}))`;
  },
  addDays: addTime(DAY),
  addHours: addTime(3_600_000),
  addMinutes: addTime(60_000),
  addSeconds: addTime(1000),
  join: (args) => `$join((${arg(args, 0, '[]')}).$string(), ${arg(args, 1, '","')})`,
  map(args) {
    const pick = `function($v) { $lookup($v, ${arg(args, 1)}) }`;
    if (args.length >= 4) {
      return `$map($filter(${arg(args, 0, '[]')}, function($v) { $string($lookup($v, ${arg(args, 2)})) in $split(${arg(args, 3)}, ",") }), ${pick})`;
    }
    return `$map(${arg(args, 0, '[]')}, ${pick})`;
  },
  length: (args) => `($v := ${arg(args, 0)}; $type($v) = "array" ? $count($v) : $length($string($v)))`,
  lower: (args) => `$lowercase(${arg(args, 0)})`,
  upper: (args) => `$uppercase(${arg(args, 0)})`,
  trim: (args) => `$trim(${arg(args, 0)})`,
  capitalize: (args) => `($s := $string(${arg(args, 0)}); $uppercase($substring($s, 0, 1)) & $substring($s, 1))`,
  if: (args) => `(${arg(args, 0, 'false')} ? ${arg(args, 1)} : ${arg(args, 2)})`,
  ifempty: (args) => `($v := ${arg(args, 0)}; $exists($v) and $v != null and $v != "" ? $v : ${arg(args, 1)})`,
  get(args) {
    const path = args[1]?.literal;
    if (path === undefined) return `$lookup(${arg(args, 0)}, ${arg(args, 1)})`;
    let out = `(${arg(args, 0)})`;
    for (const part of path.split('.')) out += /^\d+$/.test(part) ? `[${Number(part) - 1}]` : fieldStep(part);
    return out;
  },
  parseNumber(args) {
    const separator = args[1]?.literal;
    if (separator === ',') return `$number($replace($replace($string(${arg(args, 0)}), ".", ""), ",", "."))`;
    return `$number($replace($string(${arg(args, 0)}), ",", ""))`;
  },
  toString: (args: Translated[]) => `$string(${arg(args, 0)})`,
  sum: numericAggregate('$sum'),
  average: numericAggregate('$average'),
  avg: numericAggregate('$average'),
  max: numericAggregate('$max'),
  min: numericAggregate('$min'),
  round: (args) => `$round(${arg(args, 0, '0')}${args[1] ? `, ${args[1].js}` : ''})`,
  floor: (args) => `$floor(${arg(args, 0, '0')})`,
  ceil: (args) => `$ceil(${arg(args, 0, '0')})`,
  abs: (args) => `$abs(${arg(args, 0, '0')})`,
  replace(args) {
    const search = args[1]?.literal;
    const regex = search !== undefined ? /^\/(.*)\/([gimsu]*)$/.exec(search) : null;
    const pattern = regex ? `/${regex[1]}/${regex[2].replace(/[^im]/g, '')}` : arg(args, 1);
    return `$replace($string(${arg(args, 0)}), ${pattern}, ${arg(args, 2)})`;
  },
  substring: (args) => `$substring($string(${arg(args, 0)}), ${arg(args, 1, '0')}${args[2] ? `, (${args[2].js}) - (${arg(args, 1, '0')})` : ''})`,
  split: (args) => `$split($string(${arg(args, 0)}), ${arg(args, 1, '","')})`,
  contains: (args) => `($v := ${arg(args, 0)}; $type($v) = "array" ? ${arg(args, 1)} in $v : $contains($string($v), ${arg(args, 1)}))`,
  keys: (args) => `$keys(${arg(args, 0)})`,
  distinct: (args) => `$distinct(${arg(args, 0, '[]')})`,
  reverse: (args) => `$reverse(${arg(args, 0, '[]')})`,
  sort: (args) => (/^desc/i.test(args[1]?.literal ?? '') ? `$reverse($sort(${arg(args, 0, '[]')}))` : `$sort(${arg(args, 0, '[]')})`),
  first: (args) => `(${arg(args, 0, '[]')})[0]`,
  last: (args) => `(${arg(args, 0, '[]')})[-1]`,
  add: (args) => `$append(${arg(args, 0, '[]')}, [${args.slice(1).map((a) => a.js).join(', ')}])`,
  merge: (args) => args.map((a) => a.js).reduce((acc, next) => `$append(${acc}, ${next})`, '[]'),
  slice: (args) => `$filter(${arg(args, 0, '[]')}, function($v, $i) { $i >= ${arg(args, 1, '0')}${args[2] ? ` and $i < ${args[2].js}` : ''} })`,
  encodeURL: (args) => `$encodeUrlComponent($string(${arg(args, 0)}))`,
  decodeURL: (args) => `$decodeUrlComponent($string(${arg(args, 0)}))`,
  base64: (args) => `$base64encode($string(${arg(args, 0)}))`,
  toArray: (args) => `$each(${arg(args, 0, '{}')}, function($v, $k) { { "key": $k, "value": $v } })`,
};

/**
 * JSONata for a call of Make function `name`.
 *
 * @example translateFunction('upper', [{ js: 'steps.m1.output.name' }], ctx) // → '$uppercase(steps.m1.output.name)'
 */
export function translateFunction(name: string, args: Translated[], ctx: FormulaContext): string {
  const translated = FUNCTIONS[name]?.(args, ctx, name);
  if (translated !== undefined) return translated;
  ctx.flag(`Make function ${name}() has no JSONata equivalent; the expression calls $${name}(), which does not exist — rewrite it`);
  return `$${name.replace(/\W/g, '_')}(${args.map((a) => a.js).join(', ')})`;
}

/** Names of the Make functions that translate (for the docs and tests). */
export const TRANSLATED_FUNCTIONS = Object.keys(FUNCTIONS);

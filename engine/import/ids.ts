/** Ids and labels the importers derive from outside names. */

/**
 * Lower-case words joined by dashes, safe as a scenario id or webhook path.
 *
 * @example slugify('Lead intake — webhook, router, HTTP') // → 'lead-intake-webhook-router-http'
 */
export function slugify(text: string, fallback = 'imported'): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || fallback;
}

/**
 * The scenario id: the forced one, else from the document's own name, else from the file name.
 *
 * @example scenarioId({ filename: 'flows/Lead Intake.json' }, undefined) // → 'lead-intake'
 */
export function scenarioId(options: { id?: string; filename?: string }, name: string | undefined): string {
  if (options.id) return options.id;
  if (name?.trim()) return slugify(name);
  const base = options.filename?.split(/[\\/]/).pop()?.replace(/\.[^.]*$/, '');
  return slugify(base ?? '');
}

/**
 * An id not yet in `taken` (which it joins): `base`, then `base-2`, `base-3`, …
 *
 * @example uniqueId('trigger', new Set(['trigger'])) // → 'trigger-2'
 */
export function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  taken.add(id);
  return id;
}

/**
 * Shortens prose to a label at a word boundary.
 *
 * @example shortLabel('validating segment stability by comparing current assignments', 30) // → 'Validating segment stability…'
 */
export function shortLabel(text: string, max = 80): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const capital = clean.charAt(0).toUpperCase() + clean.slice(1);
  if (capital.length <= max) return capital;
  const cut = capital.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

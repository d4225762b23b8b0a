/**
 * The node types the server offers, grouped by category, searchable, dragged
 * onto the canvas. Categories fold away (as in Make and n8n) and stay as
 * left across reloads; a search shows every match, folded or not.
 */
import { useMemo, useState } from 'react';
import { useStore } from '../../hooks/use-store';
import { usePaletteDrag } from '../../hooks/use-palette-drag';
import { catalogStore } from '../../store/catalog-store';

const CLOSED_KEY = 'switchyard.palette.closed';

function readClosed(): Set<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(CLOSED_KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((c): c is string => typeof c === 'string') : []);
  } catch {
    return new Set();
  }
}

/** @example <Palette /> */
export function Palette() {
  const descriptions = useStore(catalogStore, (s) => s.descriptions);
  const [query, setQuery] = useState('');
  const [closed, setClosed] = useState(readClosed);
  const startDrag = usePaletteDrag();
  const searching = query.trim() !== '';
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const map = new Map<string, typeof descriptions>();
    for (const d of descriptions) {
      if (q && ![d.type, d.title, d.category, d.description].some((t) => t?.toLowerCase().includes(q))) continue;
      map.set(d.category, [...(map.get(d.category) ?? []), d]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [descriptions, query]);
  const toggle = (category: string) => {
    const next = new Set(closed);
    if (!next.delete(category)) next.add(category);
    setClosed(next);
    localStorage.setItem(CLOSED_KEY, JSON.stringify([...next]));
  };
  return (
    <aside className="palette" data-testid="palette">
      <input className="search" type="search" placeholder="Search node types" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search node types" />
      {groups.map(([category, types]) => {
        const open = searching || !closed.has(category);
        return (
          <section key={category} data-category={category}>
            <h4>
              <button
                className="palette-category" aria-expanded={open} disabled={searching}
                title={searching ? undefined : open ? `Fold ${category}` : `Show ${category}`} onClick={() => toggle(category)}
              >
                <span className="palette-chevron" aria-hidden>{open ? '▾' : '▸'}</span>
                <span>{category}</span>
                <span className="palette-count">{types.length}</span>
              </button>
            </h4>
            {open ? (
              <ul>
                {types.map((d) => (
                  <li
                    key={d.type} className="palette-item" data-type={d.type} title={`${d.description}\nDrag onto the canvas, or click to add`}
                    onPointerDown={(e) => startDrag(e, d.type, d.title)}
                  >
                    <span className={`palette-shape palette-shape--${d.shape ?? 'rectangle'}`} />
                    <span>{d.title}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        );
      })}
      {!groups.length ? <p className="muted small">No node type matches "{query}".</p> : null}
    </aside>
  );
}

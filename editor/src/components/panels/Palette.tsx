/** The node types the server offers, grouped by category, searchable, dragged onto the canvas. */
import { useMemo, useState } from 'react';
import { useStore } from '../../hooks/use-store';
import { usePaletteDrag } from '../../hooks/use-palette-drag';
import { catalogStore } from '../../store/catalog-store';

/** @example <Palette /> */
export function Palette() {
  const descriptions = useStore(catalogStore, (s) => s.descriptions);
  const [query, setQuery] = useState('');
  const startDrag = usePaletteDrag();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const map = new Map<string, typeof descriptions>();
    for (const d of descriptions) {
      if (q && ![d.type, d.title, d.category, d.description].some((t) => t?.toLowerCase().includes(q))) continue;
      map.set(d.category, [...(map.get(d.category) ?? []), d]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [descriptions, query]);
  return (
    <aside className="palette" data-testid="palette">
      <input className="search" type="search" placeholder="Search node types" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search node types" />
      {groups.map(([category, types]) => (
        <section key={category}>
          <h4>{category}</h4>
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
        </section>
      ))}
      {!groups.length ? <p className="muted small">No node type matches "{query}".</p> : null}
    </aside>
  );
}

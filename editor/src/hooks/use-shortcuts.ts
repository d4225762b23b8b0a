import { useEffect, useRef } from 'react';

/** Keys like `mod+z`, `mod+shift+z`, `delete`; `mod` is Ctrl, or ⌘ on a Mac. */
export type ShortcutMap = Record<string, (event: KeyboardEvent) => void>;

/** True while the user types in a field: shortcuts stay quiet then. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** The name of a key press in {@link ShortcutMap} form. @example comboOf(ctrlZEvent) // 'mod+z' */
export function comboOf(e: KeyboardEvent): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('mod');
  if (e.shiftKey) parts.push('shift');
  if (e.altKey) parts.push('alt');
  parts.push(e.key.toLowerCase());
  return parts.join('+');
}

/**
 * Window-wide keyboard shortcuts that ignore key presses inside inputs.
 *
 * @example useShortcuts({ 'mod+z': undo, 'mod+shift+z': redo });
 */
export function useShortcuts(map: ShortcutMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const handler = ref.current[comboOf(e)];
      if (!handler) return;
      e.preventDefault();
      handler(e);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

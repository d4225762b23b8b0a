/** The last notice (saved, refused connection, publish blocked) at the bottom of the canvas. */
import { useEffect } from 'react';
import { useStore } from '../hooks/use-store';
import { editorStore } from '../store/editor-store';

/** @example <StatusBar /> */
export function StatusBar() {
  const notice = useStore(editorStore, (s) => s.notice);
  useEffect(() => {
    if (!notice || notice.kind === 'error') return;
    const t = setTimeout(() => editorStore.get().notice === notice && editorStore.set({ notice: undefined }), 4000);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`status-bar status-bar--${notice.kind}`} role="status" data-testid="notice">
      {notice.text}
      <button className="icon-button" onClick={() => editorStore.set({ notice: undefined })} aria-label="Dismiss">×</button>
    </div>
  );
}

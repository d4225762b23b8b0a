import { useEffect } from 'react';
import { mergeProblems } from '../model/issues';
import { flowToScenario } from '../model/to-scenario';
import { catalogStore } from '../store/catalog-store';
import { editorStore } from '../store/editor-store';
import { setProblems } from '../store/validation-store';
import { validateInBackground } from '../validation/validator-client';
import { useStore } from './use-store';

/**
 * Re-validates the open scenario with the server's validator (in a worker)
 * a moment after each change of the document; moves and selection do not
 * count. A document just loaded keeps the server's problems: the worker
 * would only repeat them, and on a large scenario it takes seconds of the
 * CPU the canvas needs while it opens. Problems land in the validation store.
 *
 * @example useValidation();
 */
export function useValidation(delayMs = 150): void {
  const descriptions = useStore(catalogStore, (s) => s.descriptions);
  const revision = useStore(editorStore, (s) => s.revision);
  const serverProblems = useStore(editorStore, (s) => s.serverProblems);
  useEffect(() => {
    const s = editorStore.get();
    if (!descriptions.length || !s.meta.id) return;
    if (s.revision === s.serverCheckedRevision) {
      setProblems(serverProblems);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      const doc = flowToScenario(s.meta, editorStore.get().nodes, editorStore.get().edges);
      void validateInBackground(doc, descriptions).then((problems) => {
        if (live) setProblems(mergeProblems(problems, serverProblems, !editorStore.get().dirty));
      });
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [descriptions, revision, serverProblems, delayMs]);
}

import { useEffect } from 'react';
import { setLeaveGuard } from './use-route';

/**
 * Warns before unsaved changes are lost: on closing or reloading the tab
 * (the browser's own prompt) and on leaving the scenario inside the editor.
 *
 * @example useUnsavedChangesWarning(dirty);
 */
export function useUnsavedChangesWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    addEventListener('beforeunload', onBeforeUnload);
    setLeaveGuard(() => confirm('This scenario has unsaved changes. Leave without saving?'));
    return () => {
      removeEventListener('beforeunload', onBeforeUnload);
      setLeaveGuard(undefined);
    };
  }, [dirty]);
}

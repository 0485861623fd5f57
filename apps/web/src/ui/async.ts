import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../lib/errors';

export type Loadable<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/** Loads on mount and when `deps` change; `reload` re-runs it keeping the current data on screen. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loadable<T>, () => Promise<void>] {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const generation = useRef(0);
  const run = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setValue({ state: 'ready', data });
    } catch (error) {
      if (mine === generation.current) setValue({ state: 'error', message: describeError(error) });
    }
  }, deps);
  useEffect(() => {
    setValue({ state: 'loading' });
    void run();
    return () => {
      generation.current++;
    };
  }, [run]);
  return [value, run];
}

/**
 * An action that can run once at a time: `busy` while it runs (buttons disable themselves, so a
 * double click sends one request), `error` next to what caused it, `done` for a success message.
 */
export function useAction<A extends unknown[]>(
  fn: (...args: A) => Promise<string | void>,
): { run: (...args: A) => Promise<boolean>; busy: boolean; error: string | null; done: string | null; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const running = useRef(false);
  const run = async (...args: A): Promise<boolean> => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await fn(...args);
      setDone(message || null);
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return { run, busy, error, done, clear: () => (setError(null), setDone(null)) };
}

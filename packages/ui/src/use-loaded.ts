import { useEffect, useState } from 'react';

/** Loads data through the client and reloads when `version` changes; keeps the last answer and the error. */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | undefined } {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined }>({ data: undefined, error: undefined });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, error: undefined }),
      (error: Error) => current && setState((s) => ({ data: s.data, error: error.message })),
    );
    return () => {
      current = false;
    };
  }, deps);
  return state;
}

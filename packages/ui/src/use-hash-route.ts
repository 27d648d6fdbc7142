import { useEffect, useState } from 'react';

/** The route in the URL's fragment (`#/apps/web`): works under any path prefix and needs no server fallback. */
export function useHashRoute(): string[] {
  const read = (): string[] => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = (): void => setRoute(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The href of a route. */
export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

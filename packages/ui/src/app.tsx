import { type HubApiClient, type Role, type WhoAmIView } from '@flotilla/api';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { FleetStore } from './fleet-store.js';
import { clientFor, forgetToken, storedToken, storeToken } from './session.js';
import { href, useHashRoute } from './use-hash-route.js';
import { AppView } from './views/app-view.js';
import { AuditView } from './views/audit-view.js';
import { ClusterView } from './views/cluster-view.js';
import { DriftView } from './views/drift-view.js';
import { FleetView } from './views/fleet-view.js';
import { SignInView } from './views/sign-in-view.js';

declare global {
  interface Window {
    /** The live store, for the browser tests and the console (it holds what the signed-in token may read anyway). */
    flotillaStore?: FleetStore;
  }
}

/** What every view gets: the client, the live store, and the role of the token. */
export interface Session {
  client: HubApiClient;
  store: FleetStore;
  role: Role;
}

/** The UI: sign-in, then the views, with the live feed running underneath. */
export function App() {
  const [token, setToken] = useState(storedToken);
  const [who, setWho] = useState<WhoAmIView>();
  const [error, setError] = useState<string>();
  const client = useMemo(() => (token ? clientFor(token) : undefined), [token]);

  useEffect(() => {
    if (!client) return;
    client.whoAmI().then(setWho, (e: Error) => {
      forgetToken();
      setToken(undefined);
      setError(e.message);
    });
  }, [client]);

  if (!client) return <SignInView error={error} onSignIn={(t) => (storeToken(t), setError(undefined), setToken(t))} />;
  if (!who) return <p role="status">Signing in…</p>;
  return <SignedIn client={client} who={who} onSignOut={() => (forgetToken(), setWho(undefined), setToken(undefined))} />;
}

function SignedIn({ client, who, onSignOut }: { client: HubApiClient; who: WhoAmIView; onSignOut: () => void }) {
  const store = useMemo(() => new FleetStore(), []);
  useEffect(() => {
    const abort = new AbortController();
    void store.follow(client, abort.signal);
    window.flotillaStore = store;
    return () => abort.abort();
  }, [client, store]);
  useSyncExternalStore(store.subscribe, store.getVersion);
  const route = useHashRoute();
  const session: Session = { client, store, role: who.role };
  const [view = 'fleet', name = ''] = route;
  return (
    <>
      <header>
        <strong>Flotilla</strong>
        <nav aria-label="Views">
          <a href={href('fleet')} aria-current={view === 'fleet' ? 'page' : undefined}>Fleet</a>
          <a href={href('drift')} aria-current={view === 'drift' ? 'page' : undefined}>Drift</a>
          <a href={href('audit')} aria-current={view === 'audit' ? 'page' : undefined}>Audit</a>
        </nav>
        <span role="status" className={`feed feed-${store.state}`} data-testid="feed-state">
          {store.state === 'live' ? '● live' : store.state === 'reconnecting' ? '○ reconnecting…' : '○ connecting…'}
        </span>
        <span>
          {who.token} ({who.role})
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        {view === 'apps' && name ? (
          <AppView key={name} session={session} app={name} />
        ) : view === 'clusters' && name ? (
          <ClusterView key={name} session={session} cluster={name} />
        ) : view === 'drift' ? (
          <DriftView session={session} />
        ) : view === 'audit' ? (
          <AuditView session={session} />
        ) : (
          <FleetView session={session} />
        )}
      </main>
    </>
  );
}

import { HubApiClient } from '@flotilla/api';

const KEY = 'flotilla.apiToken';

/** The API token of this tab: sessionStorage is per tab and ends with it; never localStorage, never in a URL. */
export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Keeps the token for this tab. */
export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Forgets the token (sign out). */
export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The hub's base URL: the folder the UI was served from, so a path prefix behind a proxy just works. */
export function hubUrl(): string {
  return new URL('.', window.location.href).href;
}

/** A typed client of the hub with this tab's token. */
export function clientFor(token: string): HubApiClient {
  return new HubApiClient({ url: hubUrl(), token });
}

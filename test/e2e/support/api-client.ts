import request from 'supertest';

/** The admin API token of every test fleet's hub (each replica's too). */
export const FLEET_ADMIN_TOKEN = 'flt_e2e-admin-token-of-the-test-fleet';

/** The verbs of a supertest client that sends an API token with every request. */
export type FleetApi = Pick<ReturnType<typeof request>, 'get' | 'post' | 'put' | 'patch' | 'delete'>;

/** A supertest client of a hub's REST API at `baseUrl` with the admin token, or with the given token (`null`: none). */
export function apiClient(baseUrl: string, token?: string | null): FleetApi {
  const client = request(baseUrl);
  const bearer = token === null ? undefined : (token ?? FLEET_ADMIN_TOKEN);
  const authorize = <T extends { set(field: string, value: string): T }>(test: T): T => (bearer === undefined ? test : test.set('authorization', `Bearer ${bearer}`));
  return {
    get: (url: string) => authorize(client.get(url)),
    post: (url: string) => authorize(client.post(url)),
    put: (url: string) => authorize(client.put(url)),
    patch: (url: string) => authorize(client.patch(url)),
    delete: (url: string) => authorize(client.delete(url)),
  } as FleetApi;
}

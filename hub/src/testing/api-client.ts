import request from 'supertest';

/** The verbs of a supertest client that sends an API token with every request. */
export type ApiClient = Pick<ReturnType<typeof request>, 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head'>;

/** A supertest client of a hub's REST API sending `Authorization: Bearer <token>` (no token: anonymous). */
export function apiClient(httpUrl: string, token: string | undefined): ApiClient {
  const client = request(httpUrl);
  const authorize = <T extends { set(field: string, value: string): T }>(test: T): T => (token === undefined ? test : test.set('authorization', `Bearer ${token}`));
  return {
    get: (url: string) => authorize(client.get(url)),
    post: (url: string) => authorize(client.post(url)),
    put: (url: string) => authorize(client.put(url)),
    patch: (url: string) => authorize(client.patch(url)),
    delete: (url: string) => authorize(client.delete(url)),
    head: (url: string) => authorize(client.head(url)),
  } as ApiClient;
}

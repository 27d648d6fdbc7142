import { apiClient as hubApiClient, type ApiClient } from '../../../hub/src/testing/api-client.js';

/** The admin API token of every test fleet's hub (each replica's too). */
export const FLEET_ADMIN_TOKEN = 'flt_e2e-admin-token-of-the-test-fleet';

/** A supertest client of a hub's REST API that sends an API token with every request. */
export type FleetApi = ApiClient;

/** A supertest client of a hub's REST API at `baseUrl` with the admin token, or with the given token (`null`: none). */
export function apiClient(baseUrl: string, token?: string | null): FleetApi {
  return hubApiClient(baseUrl, token === null ? undefined : (token ?? FLEET_ADMIN_TOKEN));
}

import type { z } from 'zod';
import type { Role } from '../tokens/roles.js';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One REST operation of /api/v1: where it is, what it takes and what it answers. The hub documents its routes from
 * these (OpenAPI) and the client calls them; the schemas are those the hub validates with.
 */
export interface OperationSpec {
  /** The OpenAPI operationId, and the name of the client's method. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template: `/api/v1/clusters/{name}`. */
  path: string;
  tag: string;
  summary: string;
  /** Path parameters and their type (`id` of a rollout is an integer). */
  params?: Record<string, 'string' | 'integer'>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer's body; absent for 204. */
  response?: z.ZodType;
  /** Media type of the answer: JSON unless said (`text/event-stream`: a stream of events, each `data:` one response). */
  contentType?: 'application/json' | 'text/event-stream';
  /** Status of a success: 200 unless said. */
  status?: 200 | 201 | 202 | 204;
  /** The least role a token needs; `public` needs none. Absent: viewer for GET, admin otherwise. */
  role?: Role | 'public';
  /** Error statuses besides those every operation may answer (401, 403, 500, 503) and those implied (400, 404). */
  errors?: number[];
  /** Other statuses answered with the response body (202 of a webhook still refreshing, 503 of a hub not ready). */
  alsoAnswers?: number[];
}

/** Keeps an operation's literal types (method, schemas) for the client's typing. */
export function defineOperation<const O extends OperationSpec>(operation: O): O {
  return operation;
}

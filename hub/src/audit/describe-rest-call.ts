/** The parts of an Express request a description needs. */
export interface RestCall {
  method: string;
  path: string;
  route?: { path?: unknown };
  params?: Record<string, string | string[]>;
  body?: unknown;
}

/** Methods that change something: each call is recorded in the audit log. */
export function isMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/**
 * The audit action and target of a REST call, from its route: `POST /api/v1/clusters` → `cluster.create` on
 * `cluster/<body.name>`, `PATCH /api/v1/apps/:name` → `app.update` on `app/web`, `POST /api/v1/sources/:name/refresh`
 * → `source.refresh` on `source/fleet`, `DELETE /api/v1/clusters/:name/credential` → `cluster.credential.delete`.
 */
export function describeRestCall(call: RestCall): { action: string; target: string } {
  const route = typeof call.route?.path === 'string' ? call.route.path : call.path;
  const segments = route.split('/').filter((s) => s !== '');
  const rest = segments[0] === 'api' && /^v\d+$/.test(segments[1] ?? '') ? segments.slice(2) : segments;
  const collection = rest[0] ?? 'api';
  const resource = collection.endsWith('s') ? collection.slice(0, -1) : collection;
  const words = rest.slice(1).filter((s) => !s.startsWith(':'));
  const verb = VERBS[call.method] ?? call.method.toLowerCase();
  const action = [resource, ...words, ...(words.length === 0 || call.method !== 'POST' ? [verb] : [])].join('.').slice(0, 64);
  const value = rest[1]?.startsWith(':') ? call.params?.[rest[1].slice(1)] : undefined;
  const param = Array.isArray(value) ? value.join('/') : value;
  const bodyName = isRecord(call.body) && typeof call.body.name === 'string' ? call.body.name : undefined;
  const name = param ?? (call.method === 'POST' && words.length === 0 ? bodyName : undefined);
  return { action, target: `${resource}${name === undefined ? '' : `/${name}`}`.slice(0, 255) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { OperationSpec } from '../operations/operation-spec.js';
import { MAX_ID } from '../common/id-schema.js';
import { ERROR_RESPONSES } from './error-responses.js';
import { jsonSchemaOf } from './json-schema-of.js';

/** The component name of a schema of a request body or response, found by identity. */
export type ComponentNameOf = (schema: unknown) => string;

const SUCCESS: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: still under way', 204: 'Done; no body', 503: 'Not ready' };

/** The OpenAPI 3.1 operation object of an operation of the contract. */
export function toOpenApiOperation(operation: OperationSpec, componentNameOf: ComponentNameOf): Record<string, unknown> {
  const status = operation.status ?? 200;
  const ref = (schema: unknown) => ({ $ref: `#/components/schemas/${componentNameOf(schema)}` });
  const responses: Record<string, unknown> = {};
  for (const answered of [status, ...(operation.alsoAnswers ?? [])]) {
    responses[String(answered)] =
      operation.response && answered !== 204
        ? { description: SUCCESS[answered] ?? 'OK', content: { [operation.contentType ?? 'application/json']: { schema: ref(operation.response) } } }
        : { description: SUCCESS[answered] ?? 'OK' };
  }
  for (const code of errorStatusesOf(operation)) responses[String(code)] = { $ref: `#/components/responses/${ERROR_RESPONSES[code]?.name}` };

  const parameters: Record<string, unknown>[] = [];
  for (const [name, type] of Object.entries(operation.params ?? {})) {
    // Ids are the database's int4; text parameters may hold anything but a NUL (refused with 400, as in bodies).
    const schema = type === 'integer' ? { type, format: 'int32', minimum: 1, maximum: MAX_ID } : { type };
    parameters.push({ name, in: 'path', required: true, schema });
  }
  for (const [name, field] of Object.entries(operation.query?.shape ?? {})) {
    const { description, ...schema } = jsonSchemaOf(field, 'input');
    parameters.push({ name, in: 'query', required: false, ...(description ? { description } : {}), schema });
  }
  if (operation.operationId === 'receiveWebhook') parameters.push(...WEBHOOK_HEADERS);

  const role = operation.role ?? (operation.method === 'GET' ? 'viewer' : 'admin');
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: role === 'public' ? 'Open without an API token.' : `Needs an API token with the \`${role}\` role or above.`,
    tags: [operation.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(operation.body) } } } } : {}),
    ...(operation.operationId === 'receiveWebhook' ? { requestBody: WEBHOOK_BODY } : {}),
    responses,
    security: role === 'public' ? [] : [{ bearer: [] }],
  };
}

/** The error statuses an operation may answer: bad input, no or a weak token, an unknown name, its own, 500, and 503 when the database is unreachable. */
export function errorStatusesOf(operation: OperationSpec): number[] {
  const statuses = new Set<number>(operation.errors ?? []);
  const hasInput = operation.body !== undefined || operation.query !== undefined || operation.params !== undefined;
  if (hasInput) statuses.add(400);
  if (operation.role !== 'public') [401, 403].forEach((code) => statuses.add(code));
  if (operation.body !== undefined) statuses.add(413);
  if (operation.params) statuses.add(404);
  statuses.add(500);
  // A call that reads the database (a token is looked up there, input names what it reads) meets its outages.
  if (hasInput || operation.role !== 'public') statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

const WEBHOOK_HEADERS = [
  { name: 'x-hub-signature-256', in: 'header', required: false, description: 'GitHub: `sha256=<hex>` HMAC-SHA256 of the body with the source’s webhook secret', schema: { type: 'string' } },
  { name: 'x-github-event', in: 'header', required: false, description: 'GitHub: `push` (also when absent), or `ping` to check the hook; other events are ignored', schema: { type: 'string' } },
  { name: 'x-github-delivery', in: 'header', required: false, description: 'GitHub: a unique id per delivery; a replay is refused', schema: { type: 'string' } },
  { name: 'x-gitlab-token', in: 'header', required: false, description: 'GitLab: the source’s webhook secret itself', schema: { type: 'string' } },
  { name: 'x-gitlab-event', in: 'header', required: false, description: 'GitLab: `Push Hook` or `Tag Push Hook`; other events are ignored', schema: { type: 'string' } },
  { name: 'x-gitlab-event-uuid', in: 'header', required: false, description: 'GitLab: a unique id per delivery; a replay is refused', schema: { type: 'string' } },
  { name: 'x-gitea-signature', in: 'header', required: false, description: 'Gitea: `<hex>` HMAC-SHA256 of the body with the source’s webhook secret (Forgejo: `x-forgejo-signature`)', schema: { type: 'string' } },
  { name: 'x-gitea-event', in: 'header', required: false, description: 'Gitea: `push`; other events are ignored (Forgejo: `x-forgejo-event`)', schema: { type: 'string' } },
  { name: 'x-gitea-delivery', in: 'header', required: false, description: 'Gitea: a unique id per delivery; a replay is refused (Forgejo: `x-forgejo-delivery`)', schema: { type: 'string' } },
  { name: 'x-forgejo-signature', in: 'header', required: false, description: 'Forgejo: as `x-gitea-signature`', schema: { type: 'string' } },
  { name: 'x-forgejo-event', in: 'header', required: false, description: 'Forgejo: as `x-gitea-event`', schema: { type: 'string' } },
  { name: 'x-forgejo-delivery', in: 'header', required: false, description: 'Forgejo: as `x-gitea-delivery`', schema: { type: 'string' } },
  { name: 'x-hub-signature', in: 'header', required: false, description: 'Bitbucket Cloud: `sha256=<hex>` HMAC-SHA256 of the body with the source’s webhook secret', schema: { type: 'string' } },
  { name: 'x-event-key', in: 'header', required: false, description: 'Bitbucket Cloud: `repo:push`; other events are ignored', schema: { type: 'string' } },
  { name: 'x-request-uuid', in: 'header', required: false, description: 'Bitbucket Cloud: a unique id per delivery; a replay is refused', schema: { type: 'string' } },
];

const WEBHOOK_BODY = {
  required: true,
  description: 'The push event as the Git host sends it; only the pushed ref is read (`ref`; Bitbucket: `push.changes[].new`), and a push to another ref is ignored',
  content: { 'application/json': { schema: { type: 'object', properties: { ref: { type: 'string' } }, additionalProperties: true } } },
};

// The REST contract of the hub's /api/v1: request schemas, view schemas and types, the error shape, the operations,
// and one typed client.
export { API_ERROR_CODES, type ApiErrorCode, type ErrorBody, errorBodySchema } from './common/error-body.js';
export { labelSelectorRequirementSchema, labelSelectorSchema, type LabelSelectorView } from './common/label-selector-schema.js';
export { labelsSchema } from './common/labels-schema.js';
export { type PageQuery, pageQuerySchema } from './common/page-query-schema.js';
export { type Page, pageSchemaOf } from './common/page-schema.js';
export { resourceName } from './common/resource-name.js';
export { findUnstorableText, isStorableText, UNSTORABLE_TEXT_MESSAGE, type UnstorableText } from './common/storable-text.js';
export { ID_RANGE_MESSAGE, idSchema, MAX_ID } from './common/id-schema.js';
export { timestampSchema } from './common/timestamp-schema.js';

export * from './clusters/clusters.schemas.js';
export * from './clusters/cluster-view.js';
export * from './sources/sources.schemas.js';
export * from './sources/source-view.js';
export * from './apps/apps.schemas.js';
export * from './apps/app-view.js';
export * from './apps/app-manifests-view.js';
export * from './apps/app-sync.js';
export * from './rollouts/rollout-states.js';
export * from './rollouts/rollout-strategy-schema.js';
export * from './rollouts/rollout-strategy-view.js';
export * from './rollouts/rollouts.schemas.js';
export * from './rollouts/rollout-view.js';
export * from './status/app-phases.js';
export * from './status/status.schemas.js';
export * from './status/status-view.js';
export * from './drift/drift.schemas.js';
export * from './drift/drift-view.js';
export * from './audit/audit.schemas.js';
export * from './audit/audit-event-view.js';
export * from './tokens/roles.js';
export * from './tokens/api-tokens.schemas.js';
export * from './tokens/api-token-view.js';
export * from './health/health-view.js';
export * from './events/events.schemas.js';
export * from './events/fleet-event-view.js';
export * from './events/who-am-i-view.js';

export { defineOperation, type HttpMethod, type OperationSpec } from './operations/operation-spec.js';
export { OPERATIONS, type OperationId } from './operations/operations.js';
export { HubApiClient, type HubApiClientOptions } from './client/hub-api-client.js';
export { HubApiError, type HubApiErrorOptions } from './client/hub-api-error.js';
export { HubUnreachableError } from './client/hub-unreachable-error.js';
export { parseServerSentEvents, type ServerSentEvent } from './client/parse-server-sent-events.js';
export type { BodyOf, CallInput, QueryOf, ResponseOf } from './client/operation-types.js';

export { API_TAGS } from './openapi/api-tags.js';
export { buildOpenApiParts, type OpenApiParts } from './openapi/build-openapi-parts.js';
export { REQUEST_COMPONENTS, VIEW_COMPONENTS } from './openapi/component-schemas.js';
export { ERROR_RESPONSES } from './openapi/error-responses.js';
export { jsonSchemaOf, type JsonSchema } from './openapi/json-schema-of.js';
export { type ComponentNameOf, errorStatusesOf, toOpenApiOperation } from './openapi/to-openapi-operation.js';

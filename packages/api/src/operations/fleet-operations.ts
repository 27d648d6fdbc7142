import { auditEventPageSchema } from '../audit/audit-event-view.js';
import { auditQuerySchema } from '../audit/audit.schemas.js';
import { driftPageSchema } from '../drift/drift-view.js';
import { driftQuerySchema } from '../drift/drift.schemas.js';
import { livenessViewSchema, readinessViewSchema } from '../health/health-view.js';
import { apiTokenPageSchema, apiTokenViewSchema, createdApiTokenViewSchema } from '../tokens/api-token-view.js';
import { createTokenSchema, tokenListQuerySchema } from '../tokens/api-tokens.schemas.js';
import { eventsQuerySchema } from '../events/events.schemas.js';
import { fleetEventViewSchema } from '../events/fleet-event-view.js';
import { whoAmIViewSchema } from '../events/who-am-i-view.js';
import { defineOperation } from './operation-spec.js';

const byName = { name: 'string' } as const;

/** Drift, audit, API tokens and the probes. */
export const FLEET_OPERATIONS = {
  listDrift: defineOperation({
    operationId: 'listDrift',
    method: 'GET',
    path: '/api/v1/drift',
    tag: 'drift',
    summary: 'Drifted objects (filter by app, cluster, kind, namespace): fields, values, who changed them, what the agent did',
    query: driftQuerySchema,
    response: driftPageSchema,
  }),
  listAuditEvents: defineOperation({
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/api/v1/audit',
    tag: 'audit',
    summary: 'List audit events, newest first (filter by actor, action, target)',
    query: auditQuerySchema,
    response: auditEventPageSchema,
  }),
  createApiToken: defineOperation({
    operationId: 'createApiToken',
    method: 'POST',
    path: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'Create an API token with a role (viewer, operator, admin); the answer holds the token, shown only this once',
    body: createTokenSchema,
    response: createdApiTokenViewSchema,
    status: 201,
    errors: [409],
  }),
  listApiTokens: defineOperation({
    operationId: 'listApiTokens',
    method: 'GET',
    path: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'List API tokens (never the tokens themselves)',
    query: tokenListQuerySchema,
    response: apiTokenPageSchema,
    role: 'admin',
  }),
  getApiToken: defineOperation({
    operationId: 'getApiToken',
    method: 'GET',
    path: '/api/v1/tokens/{name}',
    tag: 'tokens',
    summary: 'Get an API token',
    params: byName,
    response: apiTokenViewSchema,
    role: 'admin',
  }),
  deleteApiToken: defineOperation({
    operationId: 'deleteApiToken',
    method: 'DELETE',
    path: '/api/v1/tokens/{name}',
    tag: 'tokens',
    summary: 'Revoke an API token at once (not the last admin token)',
    params: byName,
    status: 204,
    errors: [412],
  }),
  watchEvents: defineOperation({
    operationId: 'watchEvents',
    method: 'GET',
    path: '/api/v1/events',
    tag: 'events',
    summary: 'The live feed as Server-Sent Events (the events of StatusService.Watch): a snapshot, then changes; resume with ?cursor= or Last-Event-ID',
    query: eventsQuerySchema,
    response: fleetEventViewSchema,
    contentType: 'text/event-stream',
  }),
  whoAmI: defineOperation({
    operationId: 'whoAmI',
    method: 'GET',
    path: '/api/v1/whoami',
    tag: 'tokens',
    summary: 'The API token of the call: its name and role (what a UI may offer)',
    response: whoAmIViewSchema,
  }),
  getLiveness: defineOperation({
    operationId: 'getLiveness',
    method: 'GET',
    path: '/healthz',
    tag: 'health',
    summary: 'The process is up',
    response: livenessViewSchema,
    role: 'public',
  }),
  getReadiness: defineOperation({
    operationId: 'getReadiness',
    method: 'GET',
    path: '/readyz',
    tag: 'health',
    summary: 'The hub can serve: its database answers (503 with the same body when not)',
    response: readinessViewSchema,
    role: 'public',
    alsoAnswers: [503],
  }),
};

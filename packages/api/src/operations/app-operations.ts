import { appManifestsQuerySchema, appManifestsViewSchema } from '../apps/app-manifests-view.js';
import { appSyncViewSchema, syncAppSchema } from '../apps/app-sync.js';
import { appPageSchema, appViewSchema } from '../apps/app-view.js';
import { appListQuerySchema, createAppSchema, updateAppSchema } from '../apps/apps.schemas.js';
import { pinListViewSchema, rolloutDetailViewSchema, unpinResultViewSchema } from '../rollouts/rollout-view.js';
import { rollbackSchema, unpinSchema } from '../rollouts/rollouts.schemas.js';
import { appStatusViewSchema, historyPageSchema } from '../status/status-view.js';
import { historyQuerySchema } from '../status/status.schemas.js';
import { defineOperation } from './operation-spec.js';

const byName = { name: 'string' } as const;

/** /api/v1/apps: what to deploy, from which source, to which clusters, and how; their status, history, rollbacks and pins. */
export const APP_OPERATIONS = {
  createApp: defineOperation({
    operationId: 'createApp',
    method: 'POST',
    path: '/api/v1/apps',
    tag: 'apps',
    summary: 'Create an app; its target clusters get assignments',
    body: createAppSchema,
    response: appViewSchema,
    status: 201,
    errors: [404, 409],
  }),
  listApps: defineOperation({
    operationId: 'listApps',
    method: 'GET',
    path: '/api/v1/apps',
    tag: 'apps',
    summary: 'List apps (filter by source)',
    query: appListQuerySchema,
    response: appPageSchema,
  }),
  getApp: defineOperation({
    operationId: 'getApp',
    method: 'GET',
    path: '/api/v1/apps/{name}',
    tag: 'apps',
    summary: 'Get an app',
    params: byName,
    response: appViewSchema,
  }),
  updateApp: defineOperation({
    operationId: 'updateApp',
    method: 'PATCH',
    path: '/api/v1/apps/{name}',
    tag: 'apps',
    summary: 'Change an app (policy fields merge; other fields given replace)',
    params: byName,
    body: updateAppSchema,
    response: appViewSchema,
  }),
  deleteApp: defineOperation({
    operationId: 'deleteApp',
    method: 'DELETE',
    path: '/api/v1/apps/{name}',
    tag: 'apps',
    summary: 'Delete an app; its clusters remove it (pruning when its policy says so)',
    params: byName,
    status: 204,
  }),
  syncApp: defineOperation({
    operationId: 'syncApp',
    method: 'POST',
    path: '/api/v1/apps/{name}/sync',
    tag: 'apps',
    summary:
      'Sync now: the agents of the target clusters (default all) reconcile the app at once, applying its current generation again and so undoing drift whatever the drift policy',
    params: byName,
    body: syncAppSchema,
    response: appSyncViewSchema,
    status: 202,
    role: 'operator',
  }),
  getAppStatus: defineOperation({
    operationId: 'getAppStatus',
    method: 'GET',
    path: '/api/v1/apps/{name}/status',
    tag: 'status',
    summary: 'Status of an app on each of its clusters: desired and applied revision, phase, health',
    params: byName,
    response: appStatusViewSchema,
  }),
  getAppManifests: defineOperation({
    operationId: 'getAppManifests',
    method: 'GET',
    path: '/api/v1/apps/{name}/manifests',
    tag: 'apps',
    summary: "The objects an app applies on one cluster, from that cluster's artifact (Secret data redacted)",
    params: byName,
    query: appManifestsQuerySchema,
    response: appManifestsViewSchema,
  }),
  listAppHistory: defineOperation({
    operationId: 'listAppHistory',
    method: 'GET',
    path: '/api/v1/apps/{name}/history',
    tag: 'status',
    summary: 'Revisions applied to an app on its clusters and their outcomes, newest first',
    params: byName,
    query: historyQuerySchema,
    response: historyPageSchema,
  }),
  rollbackApp: defineOperation({
    operationId: 'rollbackApp',
    method: 'POST',
    path: '/api/v1/apps/{name}/rollback',
    tag: 'rollouts',
    summary: 'Roll clusters of an app back to a revision from its history (default: the last healthy one before the current) and pin them there',
    params: byName,
    body: rollbackSchema,
    response: rolloutDetailViewSchema,
    status: 201,
    role: 'operator',
    errors: [412],
  }),
  unpinApp: defineOperation({
    operationId: 'unpinApp',
    method: 'POST',
    path: '/api/v1/apps/{name}/unpin',
    tag: 'rollouts',
    summary: 'Unpin clusters of an app (default: all) so that they follow its branch again, through a rollout',
    params: byName,
    body: unpinSchema,
    response: unpinResultViewSchema,
    role: 'operator',
  }),
  listAppPins: defineOperation({
    operationId: 'listAppPins',
    method: 'GET',
    path: '/api/v1/apps/{name}/pins',
    tag: 'rollouts',
    summary: 'Clusters of an app pinned at a revision',
    params: byName,
    response: pinListViewSchema,
  }),
};

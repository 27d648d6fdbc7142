import { appManifestsViewSchema, manifestObjectViewSchema } from '../apps/app-manifests-view.js';
import { appSyncClusterViewSchema, appSyncViewSchema, syncAppSchema } from '../apps/app-sync.js';
import { appPageSchema, appRenderStatusViewSchema, appViewSchema } from '../apps/app-view.js';
import { createAppSchema, updateAppSchema } from '../apps/apps.schemas.js';
import { auditEventPageSchema, auditEventViewSchema } from '../audit/audit-event-view.js';
import {
  clusterPageSchema,
  clusterViewSchema,
  createdClusterViewSchema,
  credentialRotationViewSchema,
  joinTokenViewSchema,
} from '../clusters/cluster-view.js';
import { createClusterSchema, updateClusterSchema } from '../clusters/clusters.schemas.js';
import { errorBodySchema } from '../common/error-body.js';
import { driftPageSchema, driftViewSchema } from '../drift/drift-view.js';
import { fleetEventViewSchema } from '../events/fleet-event-view.js';
import { whoAmIViewSchema } from '../events/who-am-i-view.js';
import { livenessViewSchema, readinessViewSchema } from '../health/health-view.js';
import { rolloutStrategyViewSchema } from '../rollouts/rollout-strategy-view.js';
import {
  pinListViewSchema,
  rolloutClusterViewSchema,
  rolloutDetailViewSchema,
  rolloutPageSchema,
  rolloutViewSchema,
  unpinResultViewSchema,
} from '../rollouts/rollout-view.js';
import { rollbackSchema, rolloutActionSchema, unpinSchema } from '../rollouts/rollouts.schemas.js';
import {
  refreshedSourceViewSchema,
  revisionPageSchema,
  revisionViewSchema,
  sourcePageSchema,
  sourceViewSchema,
  webhookResultViewSchema,
} from '../sources/source-view.js';
import { createSourceSchema, updateSourceSchema } from '../sources/sources.schemas.js';
import { appClusterStatusViewSchema, appStatusViewSchema, changeCountsSchema, clusterStatusViewSchema, historyPageSchema, historyViewSchema, reportedErrorSchema } from '../status/status-view.js';
import { apiTokenPageSchema, apiTokenViewSchema, createdApiTokenViewSchema } from '../tokens/api-token-view.js';
import { createTokenSchema } from '../tokens/api-tokens.schemas.js';

/** Request bodies, by their OpenAPI component name (documented as callers write them: defaults may be left out). */
export const REQUEST_COMPONENTS = {
  CreateClusterRequest: createClusterSchema,
  UpdateClusterRequest: updateClusterSchema,
  CreateSourceRequest: createSourceSchema,
  UpdateSourceRequest: updateSourceSchema,
  CreateAppRequest: createAppSchema,
  UpdateAppRequest: updateAppSchema,
  SyncAppRequest: syncAppSchema,
  RollbackRequest: rollbackSchema,
  UnpinRequest: unpinSchema,
  RolloutActionRequest: rolloutActionSchema,
  CreateApiTokenRequest: createTokenSchema,
};

/** Views and the error body, by their OpenAPI component name (documented as the hub writes them). */
export const VIEW_COMPONENTS = {
  Error: errorBodySchema,
  ClusterView: clusterViewSchema,
  CreatedClusterView: createdClusterViewSchema,
  ClusterPage: clusterPageSchema,
  JoinTokenView: joinTokenViewSchema,
  CredentialRotationView: credentialRotationViewSchema,
  SourceView: sourceViewSchema,
  RefreshedSourceView: refreshedSourceViewSchema,
  SourcePage: sourcePageSchema,
  RevisionView: revisionViewSchema,
  RevisionPage: revisionPageSchema,
  WebhookResultView: webhookResultViewSchema,
  AppView: appViewSchema,
  AppPage: appPageSchema,
  AppRenderStatusView: appRenderStatusViewSchema,
  ManifestObjectView: manifestObjectViewSchema,
  AppManifestsView: appManifestsViewSchema,
  AppSyncClusterView: appSyncClusterViewSchema,
  AppSyncView: appSyncViewSchema,
  ChangeCounts: changeCountsSchema,
  ReportedError: reportedErrorSchema,
  AppClusterStatusView: appClusterStatusViewSchema,
  AppStatusView: appStatusViewSchema,
  ClusterStatusView: clusterStatusViewSchema,
  HistoryView: historyViewSchema,
  HistoryPage: historyPageSchema,
  RolloutStrategyView: rolloutStrategyViewSchema,
  RolloutView: rolloutViewSchema,
  RolloutClusterView: rolloutClusterViewSchema,
  RolloutDetailView: rolloutDetailViewSchema,
  RolloutPage: rolloutPageSchema,
  UnpinResultView: unpinResultViewSchema,
  PinListView: pinListViewSchema,
  DriftView: driftViewSchema,
  DriftPage: driftPageSchema,
  AuditEventView: auditEventViewSchema,
  AuditEventPage: auditEventPageSchema,
  ApiTokenView: apiTokenViewSchema,
  CreatedApiTokenView: createdApiTokenViewSchema,
  ApiTokenPage: apiTokenPageSchema,
  FleetEventView: fleetEventViewSchema,
  WhoAmIView: whoAmIViewSchema,
  LivenessView: livenessViewSchema,
  ReadinessView: readinessViewSchema,
};

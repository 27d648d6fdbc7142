// The hub's REST API as the CLI reads it (see /api/docs on a hub). The CLI is a client of the public API only: these
// types are written from the documented responses, never imported from the hub.

/** A list answer. */
export interface ListResponse<T> {
  items: T[];
  continue?: string;
}

/** GET /api/v1/clusters/{name} */
export interface ClusterView {
  name: string;
  labels: Record<string, string>;
  connected: boolean;
  lastHeartbeatAt: string | null;
  agentVersion: string;
  kubernetesVersion: string;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/v1/clusters */
export interface CreatedCluster extends ClusterView {
  joinToken: string;
}

/** GET /api/v1/sources/{name} */
export interface SourceView {
  name: string;
  url: string;
  ref: string;
  pollIntervalSeconds: number;
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
  revision: string | null;
  checkedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A label selector as the API takes it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** An app's policy; every field optional in requests. */
export interface AppPolicy {
  prune?: boolean;
  drift?: { mode?: 'report' | 'correct' | 'off'; checkIntervalSeconds?: number };
  health?: { timeoutSeconds?: number };
  rollback?: { auto?: boolean };
}

/** GET /api/v1/apps/{name} */
export interface AppView {
  name: string;
  source: string;
  path: string;
  targets: { selector: LabelSelector | null; clusters: string[] };
  variables: Record<string, string>;
  namespace: string;
  policy: AppPolicy;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/v1/apps */
export interface CreateAppRequest {
  name: string;
  source: string;
  path?: string;
  targets?: { selector?: LabelSelector; clusters?: string[] };
  variables?: Record<string, string>;
  namespace?: string;
  policy?: AppPolicy;
}

/** Counts of a change set by action. */
export interface ChangeCounts {
  created: number;
  configured: number;
  unchanged: number;
  pruned: number;
  skipped: number;
  failed: number;
}

/** An error an agent reported. */
export interface ReportedError {
  code: string;
  message: string;
  object?: string;
  file?: string;
  line?: number;
}

/** One app on one cluster: GET /api/v1/apps/{app}/status items. */
export interface AppClusterStatusView {
  app: string;
  cluster: string;
  desired: { revision: string | null; generation: number; pinned: boolean } | null;
  applied: {
    revision: string;
    generation: number;
    phase: string;
    health: string;
    changes: ChangeCounts;
    errors: ReportedError[];
    durationMs: number;
    objects: number;
    updatedAt: string;
  } | null;
  inSync: boolean;
}

/** GET /api/v1/apps/{app}/status */
export interface AppStatusResponse {
  app: string;
  clusters: number;
  inSync: number;
  items: AppClusterStatusView[];
}

/** GET /api/v1/apps/{app}/history items. */
export interface HistoryView {
  cluster: string;
  revision: string;
  generation: number;
  outcome: string;
  changes: ChangeCounts;
  message: string | null;
  createdAt: string;
}

/** The JSON body of every REST error. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Drift (GET /api/v1/drift) and rollouts (GET /api/v1/rollouts) come from hubs with drift detection and rollouts;
 * their items are shown by whatever fields they carry, so only what the CLI relies on is named here.
 */
export type LooseItem = Record<string, unknown>;

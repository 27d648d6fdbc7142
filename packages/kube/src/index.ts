// Kubernetes access for the agent over node:https: kubeconfig loading, discovery, server-side apply, prune, health,
// inventory. @kubernetes/client-node is loaded only for exec-plugin and auth-provider users (delegated-credentials.ts).
export {
  APPLY_PATCH,
  KubeClient,
  type CompletedResponse,
  type ConnectionOptions,
  type KubeClientOptions,
  type KubeRequest,
  type OutgoingRequest,
  type RequestHook,
} from './kube-client.js';
export { KubeApiError } from './kube-api-error.js';
export {
  parseKubeconfig,
  selectContext,
  withContext,
  type Kubeconfig,
  type KubeconfigCluster,
  type KubeconfigContext,
  type KubeconfigSelection,
  type KubeconfigUser,
} from './kubeconfig.js';
export { loadDefaultKubeconfig, loadInClusterKubeconfig, loadKubeconfigFile, SERVICE_ACCOUNT_DIR, type LoadDefaultKubeconfigOptions } from './load-kubeconfig.js';
export { httpStatusOf, isNotFound, mapApiError, readApiError, type ApiErrorContext, type ApiErrorDetail } from './map-api-error.js';
export { Discovery, type DiscoveredResource } from './discovery.js';
export { collectionPath, objectPath } from './object-path.js';
export { crdKindOf, isCrd, type CrdKind } from '@flotilla/core';
export { ResourceManager, type ResourceManagerOptions } from './resource-manager.js';
export { type ApplyOptions, type ApplyResult } from './manager-apply.js';
export { type DryRunFailure } from './manager-dry-run.js';
export { type DiffOptions, type DiffResult } from './manager-diff.js';
export { ResourceWatch, type ResourceWatchOptions, type WatchEventType } from './resource-watch.js';
export { type PruneOptions, type PruneResult } from './manager-prune.js';
export { healthyAsApplied, type HealthReport, type ObjectHealth, type WaitOptions } from './manager-wait.js';
export {
  APP_ANNOTATION,
  INVENTORY_CONFIGMAP_PREFIX,
  INVENTORY_LABEL,
  InventoryStore,
  type InventoryRecord,
  type InventoryStoreOptions,
  type StoredInventory,
} from './inventory-store.js';

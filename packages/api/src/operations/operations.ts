import { APP_OPERATIONS } from './app-operations.js';
import { CLUSTER_OPERATIONS } from './cluster-operations.js';
import { FLEET_OPERATIONS } from './fleet-operations.js';
import { ROLLOUT_OPERATIONS } from './rollout-operations.js';
import { SOURCE_OPERATIONS } from './source-operations.js';

/** Every REST operation of the hub, by operationId. */
export const OPERATIONS = { ...CLUSTER_OPERATIONS, ...SOURCE_OPERATIONS, ...APP_OPERATIONS, ...ROLLOUT_OPERATIONS, ...FLEET_OPERATIONS };

/** The operationId of an operation. */
export type OperationId = keyof typeof OPERATIONS;

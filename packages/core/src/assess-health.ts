import { isBuiltinNamespaced } from './is-builtin-namespaced.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { formatObjectRef, objectRefOf, type ObjectRef } from './object-ref.js';
import { HEALTH_RULES, type Condition, type HealthContext } from './health-rules.js';

/** Health of one object or of a whole App, worst last; mirrors flotilla.v1.Health. */
export const HEALTH_STATUSES = ['Healthy', 'Unknown', 'Progressing', 'Degraded'] as const;

/** Healthy, Progressing (still converging), Degraded (failed), or Unknown (cannot be told). */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** A health status and why, the message starting with the object id ("Deployment/web/api: 1 of 3 replicas available"). */
export interface HealthAssessment {
  status: HealthStatus;
  message: string;
}

// Reasons of Ready=False that mean "not yet" rather than "failed".
const PROGRESS_REASON = /progress|reconcil|pending|wait|creat|initiali[sz]|provision|deploy|updat|install|upgrad|start|scal|rollout/i;

function conditionsOf(status: Record<string, unknown> | undefined): Condition[] {
  const conditions = status?.['conditions'];
  return Array.isArray(conditions) ? conditions.filter(isPlainObject).map((c) => c as Condition) : [];
}

const describe = (condition: Condition): string =>
  [condition.reason, condition.message].filter((part) => typeof part === 'string' && part !== '').join(': ');

/** Conditions-based health for kinds without a rule of their own (kstatus conventions: Stalled, Reconciling, Ready). */
function assessConditions(context: HealthContext, isBuiltin: boolean): HealthAssessment {
  const { conditions, generation, say } = context;
  const find = (type: string): Condition | undefined => conditions.find((c) => c.type === type);
  const stalled = find('Stalled');
  if (stalled?.status === 'True') return say('Degraded', `stalled: ${describe(stalled) || 'no reason given'}`);
  const reconciling = find('Reconciling');
  if (reconciling?.status === 'True') return say('Progressing', `reconciling: ${describe(reconciling) || 'no reason given'}`);
  const ready = find('Ready');
  if (ready) {
    if (typeof generation === 'number' && typeof ready.observedGeneration === 'number' && ready.observedGeneration < generation) {
      return say('Progressing', `Ready condition is for generation ${ready.observedGeneration}, waiting for generation ${generation}`);
    }
    if (ready.status === 'True') return say('Healthy', ready.message ? `ready: ${ready.message}` : 'ready');
    if (ready.status === 'False') {
      const progressing = typeof ready.reason === 'string' && PROGRESS_REASON.test(ready.reason);
      return say(progressing ? 'Progressing' : 'Degraded', `not ready: ${describe(ready) || 'no reason given'}`);
    }
    return say('Progressing', `readiness unknown: ${describe(ready) || 'no reason given'}`);
  }
  if (conditions.length === 0 || isBuiltin) return say('Healthy', 'nothing to wait for');
  return say('Unknown', `no Ready, Reconciling or Stalled condition (has ${conditions.map((c) => String(c.type)).join(', ')})`);
}

/**
 * Assesses one live object: a controller that has not observed the latest generation is Progressing; Deployments,
 * StatefulSets, DaemonSets, Jobs, Pods, PersistentVolumeClaims, LoadBalancer Services, CRDs and APIServices have
 * rules of their own; other objects follow their Stalled, Reconciling and Ready conditions; objects without status
 * (ConfigMaps, Secrets, RBAC, ...) are Healthy. A custom resource whose conditions include none of those is Unknown.
 */
export function assessHealth(obj: KubeObject): HealthAssessment {
  const ref = objectRefOf(obj);
  const id = formatObjectRef(ref);
  const status = isPlainObject(obj['status']) ? obj['status'] : undefined;
  const context: HealthContext = {
    spec: isPlainObject(obj['spec']) ? obj['spec'] : {},
    status: status ?? {},
    hasStatus: status !== undefined,
    conditions: conditionsOf(status),
    generation: obj.metadata.generation,
    say: (health, text) => ({ status: health, message: `${id}: ${text}` }),
    object: obj,
  };
  const observed = status?.['observedGeneration'];
  if (typeof context.generation === 'number' && typeof observed === 'number' && observed < context.generation) {
    return context.say('Progressing', `waiting for the controller to observe generation ${context.generation} (observed ${observed})`);
  }
  const rule = HEALTH_RULES[ref.group ? `${ref.group}/${ref.kind}` : ref.kind];
  return rule ? rule(context) : assessConditions(context, isBuiltinNamespaced(ref) !== undefined);
}

/** Built-in kinds that have no status at all: Healthy whenever they exist (`group/Kind`, core group: just `Kind`). */
const STATUSLESS_KINDS = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'LimitRange',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
]);

/** Whether objects of a kind have no status, so that one that exists is Healthy without being read. */
export function isStatusless(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean {
  return STATUSLESS_KINDS.has(ref.group ? `${ref.group}/${ref.kind}` : ref.kind);
}

/**
 * The health of many objects: the worst status (Degraded > Progressing > Unknown > Healthy), with the message of the
 * first object at that status and how many more share it. No objects is Healthy.
 */
export function aggregateHealth(results: readonly HealthAssessment[]): HealthAssessment {
  if (results.length === 0) return { status: 'Healthy', message: 'no objects' };
  const worst = results.reduce((a, b) => (HEALTH_STATUSES.indexOf(b.status) > HEALTH_STATUSES.indexOf(a.status) ? b : a));
  const count = results.filter((r) => r.status === worst.status).length;
  if (worst.status === 'Healthy') return { status: 'Healthy', message: count === 1 ? worst.message : `all ${count} objects healthy` };
  const more = count > 1 ? ` (and ${count - 1} more ${worst.status})` : '';
  return { status: worst.status, message: worst.message + more };
}

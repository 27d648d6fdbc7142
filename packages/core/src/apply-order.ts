import { type KubeObject } from './kube-object.js';
import { objectRefOf, type IsNamespaced, type ObjectRef } from './object-ref.js';

/**
 * The apply stages, in order. CRDs and Namespaces come first so the objects that need them can be applied; cluster-scoped
 * objects (ClusterRoles, PriorityClasses, StorageClasses, ...) next; then everything else; admission webhooks and
 * APIServices last, because until their backing Service runs they would reject or break the requests before them.
 */
export const APPLY_STAGES = ['crds', 'namespaces', 'cluster', 'namespaced', 'webhooks'] as const;

/** The name of one apply stage. */
export type ApplyStageName = (typeof APPLY_STAGES)[number];

/** Kinds of the `crds`, `namespaces` and `webhooks` stages, as `group/Kind` (core group: just `Kind`). */
export const STAGE_KINDS: Readonly<Record<'crds' | 'namespaces' | 'webhooks', readonly string[]>> = {
  crds: ['apiextensions.k8s.io/CustomResourceDefinition'],
  namespaces: ['Namespace'],
  webhooks: [
    'admissionregistration.k8s.io/MutatingWebhookConfiguration',
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'apiregistration.k8s.io/APIService',
  ],
};

/**
 * Order of kinds within a stage, as `group/Kind` (core group: just `Kind`): what others refer to goes first
 * (quotas, accounts, RBAC, config, services, claims), then workloads, then what refers to workloads. Kinds not
 * listed (custom resources) follow, in manifest order.
 */
export const KIND_ORDER: readonly string[] = [
  'ResourceQuota',
  'LimitRange',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'ServiceAccount',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'discovery.k8s.io/EndpointSlice',
  'Service',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'ReplicationController',
  'Pod',
  'batch/Job',
  'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/Ingress',
];

/** Something that can be staged: a KubeObject, a RenderedObject (anything with a `ref`), or an ObjectRef. */
export type Stageable = KubeObject | { ref: ObjectRef } | ObjectRef;

/** One stage of a plan and its objects, in the order to apply (or prune) them. */
export interface ApplyStage<T> {
  name: ApplyStageName;
  objects: T[];
}

const kindId = (ref: Pick<ObjectRef, 'group' | 'kind'>): string => (ref.group ? `${ref.group}/${ref.kind}` : ref.kind);

function refOf(item: Stageable): ObjectRef {
  if ('apiVersion' in item) return objectRefOf(item);
  if ('ref' in item) return item.ref;
  return item;
}

function stageOf(ref: ObjectRef, isNamespaced: IsNamespaced): ApplyStageName {
  const id = kindId(ref);
  if (STAGE_KINDS.crds.includes(id)) return 'crds';
  if (STAGE_KINDS.namespaces.includes(id)) return 'namespaces';
  if (STAGE_KINDS.webhooks.includes(id)) return 'webhooks';
  // An unknown kind with a namespace is namespaced; one without is left with the rest rather than guessed cluster-scoped.
  const namespaced = isNamespaced(ref) ?? (ref.namespace === '' ? undefined : true);
  return namespaced === false ? 'cluster' : 'namespaced';
}

function rankOf(ref: ObjectRef): number {
  const rank = KIND_ORDER.indexOf(kindId(ref));
  return rank < 0 ? KIND_ORDER.length : rank;
}

function plan<T extends Stageable>(objects: readonly T[], isNamespaced: IsNamespaced, reverse: boolean): ApplyStage<T>[] {
  const byStage = new Map<ApplyStageName, { object: T; rank: number }[]>();
  for (const object of objects) {
    const ref = refOf(object);
    const stage = stageOf(ref, isNamespaced);
    const list = byStage.get(stage) ?? [];
    list.push({ object, rank: rankOf(ref) });
    byStage.set(stage, list);
  }
  const names = reverse ? [...APPLY_STAGES].reverse() : APPLY_STAGES;
  const stages: ApplyStage<T>[] = [];
  for (const name of names) {
    const list = byStage.get(name);
    if (!list) continue;
    // Array.prototype.sort is stable: equal ranks keep manifest order.
    list.sort((a, b) => (reverse ? b.rank - a.rank : a.rank - b.rank));
    stages.push({ name, objects: list.map((entry) => entry.object) });
  }
  return stages;
}

const scopeFromNamespace: IsNamespaced = () => undefined;

/**
 * Splits objects into apply stages (only the non-empty ones, in APPLY_STAGES order); within a stage, kinds follow
 * KIND_ORDER and otherwise keep their input order. Without `isNamespaced`, an object with a namespace is namespaced and
 * one without is of unknown scope; unknown scopes go to the `namespaced` stage ("everything else"), never `cluster`.
 */
export function planApplyStages<T extends Stageable>(objects: readonly T[], isNamespaced: IsNamespaced = scopeFromNamespace): ApplyStage<T>[] {
  return plan(objects, isNamespaced, false);
}

// Inventory refs carry the namespace given at apply time, so an empty one means cluster-scoped.
const scopeFromInventory: IsNamespaced = (ref) => ref.namespace !== '';

/**
 * The prune order: the apply order reversed, so webhooks go first and namespaced objects before Namespaces and CRDs.
 * Without `isNamespaced`, a ref without namespace counts as cluster-scoped (true of inventory refs).
 */
export function planPruneStages<T extends Stageable>(objects: readonly T[], isNamespaced: IsNamespaced = scopeFromInventory): ApplyStage<T>[] {
  return plan(objects, isNamespaced, true);
}

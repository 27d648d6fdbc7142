import { type ObjectRef } from './object-ref.js';

// group → kinds; the scopes of built-in kinds, so render and ordering work before discovery knows a cluster.
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'storage.k8s.io': ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode', 'VolumeAttributesClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
};

const NAMESPACED: Record<string, readonly string[]> = {
  '': [
    'Pod', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Endpoints', 'PersistentVolumeClaim', 'ResourceQuota',
    'LimitRange', 'ReplicationController', 'Event', 'PodTemplate',
  ],
  apps: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
  batch: ['Job', 'CronJob'],
  autoscaling: ['HorizontalPodAutoscaler'],
  policy: ['PodDisruptionBudget'],
  'networking.k8s.io': ['Ingress', 'NetworkPolicy'],
  'rbac.authorization.k8s.io': ['Role', 'RoleBinding'],
  'coordination.k8s.io': ['Lease'],
  'discovery.k8s.io': ['EndpointSlice'],
  'events.k8s.io': ['Event'],
  'storage.k8s.io': ['CSIStorageCapacity'],
  'resource.k8s.io': ['ResourceClaim', 'ResourceClaimTemplate'],
};

/**
 * The scope of built-in Kubernetes kinds: true (namespaced), false (cluster-scoped), or undefined for kinds it does
 * not know. Compose it with discovery: `(ref) => discovered(ref) ?? isBuiltinNamespaced(ref)`.
 */
export function isBuiltinNamespaced(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean | undefined {
  if (CLUSTER_SCOPED[ref.group]?.includes(ref.kind)) return false;
  if (NAMESPACED[ref.group]?.includes(ref.kind)) return true;
  return undefined;
}

import type { HealthAssessment, HealthStatus } from './assess-health.js';
import { isPlainObject, type KubeObject } from './kube-object.js';

/** A status condition as Kubernetes writes it. */
export interface Condition {
  type?: string;
  status?: 'True' | 'False' | 'Unknown' | (string & {});
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/** What a health rule reads: spec and status (empty objects when absent), conditions, and how to phrase the result. */
export interface HealthContext {
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  hasStatus: boolean;
  conditions: Condition[];
  generation: number | undefined;
  say: (status: HealthStatus, text: string) => HealthAssessment;
  object: KubeObject;
}

type HealthRule = (context: HealthContext) => HealthAssessment;

const count = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);
const field = (value: unknown, key: string): unknown => (isPlainObject(value) ? value[key] : undefined);
const isTrue = (context: HealthContext, type: string): Condition | undefined =>
  context.conditions.find((c) => c.type === type && c.status === 'True');
const reasonOf = (c: Condition): string => [c.reason, c.message].filter(Boolean).join(': ') || 'no reason given';
const replicas = (n: number): string => (n === 1 ? 'replica' : 'replicas');

const deployment: HealthRule = (context) => {
  const { spec, status, say } = context;
  if (spec['paused'] === true) return say('Healthy', 'paused; its rollout is not waited for');
  const progressing = context.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return say('Degraded', `exceeded its progress deadline: ${reasonOf(progressing)}`);
  const want = count(spec['replicas'], 1);
  const updated = count(status['updatedReplicas']);
  if (updated < want) return say('Progressing', `${updated} of ${want} ${replicas(want)} updated`);
  const old = count(status['replicas']) - updated;
  if (old > 0) return say('Progressing', `${old} old ${replicas(old)} pending termination`);
  const available = count(status['availableReplicas']);
  if (available < want) return say('Progressing', `${available} of ${want} ${replicas(want)} available`);
  return say('Healthy', `${available} of ${want} ${replicas(want)} available`);
};

const statefulSet: HealthRule = ({ spec, status, say }) => {
  const want = count(spec['replicas'], 1);
  const ready = count(status['readyReplicas']);
  if (ready < want) return say('Progressing', `${ready} of ${want} ${replicas(want)} ready`);
  const strategy = spec['updateStrategy'];
  if (field(strategy, 'type') !== 'OnDelete') {
    const partition = count(field(field(strategy, 'rollingUpdate'), 'partition'));
    const updated = count(status['updatedReplicas']);
    if (partition > 0) {
      if (updated < want - partition) return say('Progressing', `${updated} of ${want - partition} ${replicas(want)} updated (partition ${partition})`);
    } else if (typeof status['updateRevision'] === 'string' && status['currentRevision'] !== status['updateRevision']) {
      return say('Progressing', `rolling update to revision ${status['updateRevision']}: ${updated} of ${want} ${replicas(want)} updated`);
    }
  }
  return say('Healthy', `${ready} of ${want} ${replicas(want)} ready`);
};

const daemonSet: HealthRule = ({ spec, status, hasStatus, say }) => {
  if (!hasStatus) return say('Progressing', 'waiting for the controller to report status');
  const desired = count(status['desiredNumberScheduled']);
  const updated = count(status['updatedNumberScheduled']);
  if (field(spec['updateStrategy'], 'type') !== 'OnDelete' && updated < desired) {
    return say('Progressing', `${updated} of ${desired} pods updated`);
  }
  const ready = count(status['numberReady']);
  if (ready < desired) return say('Progressing', `${ready} of ${desired} pods ready`);
  return say('Healthy', `${ready} of ${desired} pods ready`);
};

const job: HealthRule = (context) => {
  const { spec, status, say } = context;
  const failed = isTrue(context, 'Failed') ?? isTrue(context, 'FailureTarget');
  if (failed) return say('Degraded', `failed: ${reasonOf(failed)}`);
  if (isTrue(context, 'Complete')) return say('Healthy', 'complete');
  if (spec['suspend'] === true) return say('Healthy', 'suspended');
  return say('Progressing', `running: ${count(status['succeeded'])} succeeded, ${count(status['active'])} active`);
};

const STUCK = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName']);

const pod: HealthRule = (context) => {
  const { status, say } = context;
  const phase = status['phase'];
  if (phase === 'Succeeded') return say('Healthy', 'succeeded');
  if (phase === 'Failed') return say('Degraded', `failed: ${[status['reason'], status['message']].filter(Boolean).join(': ') || 'no reason given'}`);
  const containers = Array.isArray(status['containerStatuses']) ? status['containerStatuses'] : [];
  for (const container of containers) {
    const waiting = field(field(container, 'state'), 'waiting');
    const reason = field(waiting, 'reason');
    if (typeof reason === 'string' && STUCK.has(reason)) {
      return say('Degraded', `container ${String(field(container, 'name'))} is ${reason}: ${String(field(waiting, 'message') ?? '')}`.trimEnd());
    }
  }
  if (phase === 'Running' && isTrue(context, 'Ready')) return say('Healthy', 'running and ready');
  return say('Progressing', `${typeof phase === 'string' ? phase.toLowerCase() : 'pending'}, not ready yet`);
};

const persistentVolumeClaim: HealthRule = ({ status, say }) => {
  const phase = status['phase'];
  if (phase === 'Bound') return say('Healthy', 'bound');
  if (phase === 'Lost') return say('Degraded', 'lost its volume');
  return say('Progressing', `waiting to be bound (phase ${typeof phase === 'string' ? phase : 'unknown'})`);
};

const service: HealthRule = ({ spec, status, say }) => {
  if (spec['type'] !== 'LoadBalancer') return say('Healthy', 'nothing to wait for');
  const ingress = field(status['loadBalancer'], 'ingress');
  if (!Array.isArray(ingress) || ingress.length === 0) return say('Progressing', 'waiting for a load balancer address');
  const address = ingress.map((i) => field(i, 'ip') ?? field(i, 'hostname')).filter(Boolean).join(', ');
  return say('Healthy', `load balancer at ${address || 'an address'}`);
};

const customResourceDefinition: HealthRule = (context) => {
  const names = context.conditions.find((c) => c.type === 'NamesAccepted');
  if (names?.status === 'False') return context.say('Degraded', `names not accepted: ${reasonOf(names)}`);
  if (isTrue(context, 'Established')) return context.say('Healthy', 'established');
  return context.say('Progressing', 'waiting to be established');
};

const apiService: HealthRule = (context) => {
  const available = context.conditions.find((c) => c.type === 'Available');
  if (available?.status === 'True') return context.say('Healthy', 'available');
  return context.say('Progressing', `not available yet: ${available ? reasonOf(available) : 'no Available condition'}`);
};

/** Health rules by `group/Kind` (core group: just `Kind`); other kinds follow their conditions. */
export const HEALTH_RULES: Readonly<Record<string, HealthRule>> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'batch/Job': job,
  Pod: pod,
  PersistentVolumeClaim: persistentVolumeClaim,
  Service: service,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinition,
  'apiregistration.k8s.io/APIService': apiService,
};

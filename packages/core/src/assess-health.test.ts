import { describe, expect, it } from 'vitest';
import { aggregateHealth, assessHealth, type HealthAssessment } from './assess-health.js';
import { type KubeObject } from './kube-object.js';

const object = (apiVersion: string, kind: string, body: Record<string, unknown> = {}, generation?: number): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'api', namespace: 'web', ...(generation === undefined ? {} : { generation }) },
  ...body,
});

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) =>
  object('apps/v1', 'Deployment', { spec, status: { observedGeneration: generation, ...status } }, generation);

describe('health of Deployments', () => {
  it('is Healthy when every replica is updated and available', () => {
    expect(assessHealth(deployment({ replicas: 3 }, { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }))).toEqual({
      status: 'Healthy',
      message: 'Deployment/web/api: 3 of 3 replicas available',
    });
  });

  it('is Progressing while replicas become available', () => {
    expect(assessHealth(deployment({ replicas: 3 }, { replicas: 3, updatedReplicas: 3, availableReplicas: 1 }))).toEqual({
      status: 'Progressing',
      message: 'Deployment/web/api: 1 of 3 replicas available',
    });
  });

  it('is Progressing while old replicas are replaced', () => {
    expect(assessHealth(deployment({ replicas: 2 }, { replicas: 3, updatedReplicas: 1, availableReplicas: 2 })).message).toBe(
      'Deployment/web/api: 1 of 2 replicas updated',
    );
    expect(assessHealth(deployment({ replicas: 2 }, { replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).message).toBe(
      'Deployment/web/api: 1 old replica pending termination',
    );
  });

  it('counts one replica when spec.replicas is not set', () => {
    expect(assessHealth(deployment({}, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 })).status).toBe('Healthy');
    expect(assessHealth(deployment({}, {})).message).toBe('Deployment/web/api: 0 of 1 replica updated');
  });

  it('is Progressing while the controller has not observed the latest generation', () => {
    const stale = deployment({ replicas: 1 }, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 2);
    expect(assessHealth(stale)).toEqual({
      status: 'Progressing',
      message: 'Deployment/web/api: waiting for the controller to observe generation 2 (observed 1)',
    });
  });

  it('is Degraded when the progress deadline passed', () => {
    const stuck = deployment({ replicas: 1 }, {
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-5d4" has timed out progressing.' }],
    });
    expect(assessHealth(stuck)).toEqual({
      status: 'Degraded',
      message: 'Deployment/web/api: exceeded its progress deadline: ProgressDeadlineExceeded: ReplicaSet "api-5d4" has timed out progressing.',
    });
  });

  it('is Healthy when paused, since a paused rollout never completes', () => {
    expect(assessHealth(deployment({ paused: true }, {})).status).toBe('Healthy');
  });
});

describe('health of StatefulSets and DaemonSets', () => {
  const statefulSet = (spec: Record<string, unknown>, status: Record<string, unknown>) => object('apps/v1', 'StatefulSet', { spec, status });

  it('waits for ready replicas and for the rolling update to finish', () => {
    expect(assessHealth(statefulSet({ replicas: 3 }, { readyReplicas: 2 })).message).toBe('StatefulSet/web/api: 2 of 3 replicas ready');
    const rolling = statefulSet({ replicas: 3 }, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'api-1', updateRevision: 'api-2' });
    expect(assessHealth(rolling)).toEqual({ status: 'Progressing', message: 'StatefulSet/web/api: rolling update to revision api-2: 1 of 3 replicas updated' });
    const done = statefulSet({ replicas: 3 }, { readyReplicas: 3, updatedReplicas: 3, currentRevision: 'api-2', updateRevision: 'api-2' });
    expect(assessHealth(done)).toEqual({ status: 'Healthy', message: 'StatefulSet/web/api: 3 of 3 replicas ready' });
  });

  it('honours a partitioned rollout and OnDelete updates', () => {
    const partitioned = { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } };
    expect(assessHealth(statefulSet(partitioned, { readyReplicas: 4, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' })).status).toBe('Healthy');
    expect(assessHealth(statefulSet(partitioned, { readyReplicas: 4, updatedReplicas: 0 })).status).toBe('Progressing');
    const onDelete = { replicas: 1, updateStrategy: { type: 'OnDelete' } };
    expect(assessHealth(statefulSet(onDelete, { readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' })).status).toBe('Healthy');
  });

  it('waits for a DaemonSet’s pods to be updated and ready on every node', () => {
    const daemonSet = (status?: Record<string, unknown>) => object('apps/v1', 'DaemonSet', status ? { spec: {}, status } : { spec: {} });
    expect(assessHealth(daemonSet()).status).toBe('Progressing');
    expect(assessHealth(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberReady: 3 })).message).toBe('DaemonSet/web/api: 2 of 3 pods updated');
    expect(assessHealth(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberReady: 1 })).message).toBe('DaemonSet/web/api: 1 of 3 pods ready');
    expect(assessHealth(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberReady: 3 })).status).toBe('Healthy');
  });
});

describe('health of Jobs, Pods, claims and Services', () => {
  const job = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => object('batch/v1', 'Job', { spec, status });

  it('follows a Job to completion or failure', () => {
    expect(assessHealth(job({ conditions: [{ type: 'Complete', status: 'True' }] }))).toEqual({ status: 'Healthy', message: 'Job/web/api: complete' });
    expect(assessHealth(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }))).toEqual({
      status: 'Degraded',
      message: 'Job/web/api: failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(assessHealth(job({ active: 1 }))).toEqual({ status: 'Progressing', message: 'Job/web/api: running: 0 succeeded, 1 active' });
    expect(assessHealth(job({}, { suspend: true })).status).toBe('Healthy');
  });

  it('sees a Pod in a crash loop as Degraded', () => {
    const pod = object('v1', 'Pod', {
      status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } } }] },
    });
    expect(assessHealth(pod)).toEqual({ status: 'Degraded', message: 'Pod/web/api: container app is CrashLoopBackOff: back-off 5m0s' });
    const ready = object('v1', 'Pod', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(assessHealth(ready).status).toBe('Healthy');
    expect(assessHealth(object('v1', 'Pod', { status: { phase: 'Succeeded' } })).status).toBe('Healthy');
  });

  it('waits for a claim to be bound', () => {
    expect(assessHealth(object('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } })).status).toBe('Healthy');
    expect(assessHealth(object('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } })).message).toBe(
      'PersistentVolumeClaim/web/api: waiting to be bound (phase Pending)',
    );
    expect(assessHealth(object('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } })).status).toBe('Degraded');
  });

  it('waits for a LoadBalancer Service to get an address, and not for other Services', () => {
    expect(assessHealth(object('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } })).status).toBe('Progressing');
    expect(assessHealth(object('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } }))).toEqual({
      status: 'Healthy',
      message: 'Service/web/api: load balancer at 203.0.113.7',
    });
    expect(assessHealth(object('v1', 'Service', { spec: { type: 'ClusterIP' } })).status).toBe('Healthy');
  });
});

describe('health of CRDs and other objects', () => {
  const crd = (conditions: unknown[]) => ({ ...object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions } }), metadata: { name: 'widgets.example.com' } });

  it('waits for a CRD to be established and fails on rejected names', () => {
    expect(assessHealth(crd([{ type: 'Established', status: 'True' }]))).toEqual({ status: 'Healthy', message: 'CustomResourceDefinition/widgets.example.com: established' });
    expect(assessHealth(crd([]))).toEqual({ status: 'Progressing', message: 'CustomResourceDefinition/widgets.example.com: waiting to be established' });
    expect(assessHealth(crd([{ type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict' }])).status).toBe('Degraded');
  });

  const custom = (conditions: unknown[], generation?: number, observedGeneration?: number) =>
    object('example.com/v1', 'Widget', { status: { conditions, ...(observedGeneration === undefined ? {} : { observedGeneration }) } }, generation);

  it('follows Ready, Stalled and Reconciling conditions', () => {
    expect(assessHealth(custom([{ type: 'Ready', status: 'True' }])).status).toBe('Healthy');
    expect(assessHealth(custom([{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'bad size' }]))).toEqual({
      status: 'Degraded',
      message: 'Widget/web/api: not ready: InvalidSpec: bad size',
    });
    expect(assessHealth(custom([{ type: 'Ready', status: 'False', reason: 'Progressing' }])).status).toBe('Progressing');
    expect(assessHealth(custom([{ type: 'Ready', status: 'Unknown' }])).status).toBe('Progressing');
    expect(assessHealth(custom([{ type: 'Ready', status: 'False', reason: 'Progressing' }, { type: 'Stalled', status: 'True', reason: 'Broken' }])).status).toBe('Degraded');
    expect(assessHealth(custom([{ type: 'Reconciling', status: 'True' }, { type: 'Ready', status: 'True' }])).status).toBe('Progressing');
  });

  it('does not trust a Ready condition or status written for an older generation', () => {
    expect(assessHealth(custom([{ type: 'Ready', status: 'True', observedGeneration: 1 }], 2)).status).toBe('Progressing');
    expect(assessHealth(custom([{ type: 'Ready', status: 'True' }], 3, 2)).status).toBe('Progressing');
  });

  it('sees objects without status rules, such as ConfigMaps and RBAC, as Healthy', () => {
    expect(assessHealth(object('v1', 'ConfigMap', { data: {} }))).toEqual({ status: 'Healthy', message: 'ConfigMap/web/api: nothing to wait for' });
    expect(assessHealth({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' }, status: { phase: 'Active' } }).message).toBe('Namespace/web: nothing to wait for');
    expect(assessHealth(object('example.com/v1', 'Widget')).status).toBe('Healthy');
  });

  it('cannot tell the health of a custom resource whose conditions it does not know', () => {
    expect(assessHealth(custom([{ type: 'Synced', status: 'True' }]))).toEqual({
      status: 'Unknown',
      message: 'Widget/web/api: no Ready, Reconciling or Stalled condition (has Synced)',
    });
  });
});

describe('aggregate health', () => {
  const healthy: HealthAssessment = { status: 'Healthy', message: 'ConfigMap/web/a: nothing to wait for' };
  const progressing: HealthAssessment = { status: 'Progressing', message: 'Deployment/web/api: 1 of 3 replicas available' };
  const unknown: HealthAssessment = { status: 'Unknown', message: 'Widget/web/w: no Ready condition' };
  const degraded: HealthAssessment = { status: 'Degraded', message: 'Job/web/migrate: failed: BackoffLimitExceeded' };

  it('is the worst of its parts: Degraded, then Progressing, then Unknown, then Healthy', () => {
    expect(aggregateHealth([healthy, unknown, degraded, progressing])).toEqual(degraded);
    expect(aggregateHealth([healthy, unknown, progressing]).status).toBe('Progressing');
    expect(aggregateHealth([healthy, unknown]).status).toBe('Unknown');
  });

  it('says how many more objects share the worst status', () => {
    expect(aggregateHealth([progressing, healthy, { ...progressing, message: 'StatefulSet/web/db: 0 of 1 replica ready' }])).toEqual({
      status: 'Progressing',
      message: 'Deployment/web/api: 1 of 3 replicas available (and 1 more Progressing)',
    });
    expect(aggregateHealth([healthy, healthy])).toEqual({ status: 'Healthy', message: 'all 2 objects healthy' });
  });

  it('is Healthy for no objects', () => {
    expect(aggregateHealth([])).toEqual({ status: 'Healthy', message: 'no objects' });
  });
});

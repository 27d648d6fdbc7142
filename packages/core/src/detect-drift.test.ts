import { describe, expect, it } from 'vitest';
import { detectDrift } from './detect-drift.js';
import { type KubeObject, type ManagedFieldsEntry } from './kube-object.js';

const flotilla: ManagedFieldsEntry = {
  manager: 'flotilla',
  operation: 'Apply',
  apiVersion: 'apps/v1',
  time: '2026-03-01T10:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1: {
    'f:metadata': { 'f:labels': { 'f:a': {}, 'f:b': {} } },
    'f:spec': {
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"api"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
      },
    },
  },
};

/** A Deployment as the server returns it: defaults, status and bookkeeping included. */
function deployment(options: { image?: string; labels?: Record<string, string>; replicas?: number; managedFields?: ManagedFieldsEntry[]; resourceVersion?: string; ready?: number } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'web',
      labels: options.labels ?? { a: '1', b: '2' },
      resourceVersion: options.resourceVersion ?? '100',
      generation: 1,
      uid: 'u-1',
      managedFields: options.managedFields ?? [flotilla],
    },
    spec: {
      replicas: options.replicas ?? 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'api' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          containers: [{ name: 'api', image: options.image ?? 'api:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' }],
          restartPolicy: 'Always',
        },
      },
    },
    status: { readyReplicas: options.ready ?? 0 },
  };
}

const edit = (time: string, fieldsV1: Record<string, unknown>, manager = 'kubectl-edit'): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  apiVersion: 'apps/v1',
  time,
  fieldsType: 'FieldsV1',
  fieldsV1,
});

describe('detectDrift', () => {
  it('finds nothing when the live object is what applying would make it, defaults and status included', () => {
    expect(detectDrift(deployment(), deployment({ resourceVersion: '200', ready: 1 }))).toEqual({ diffs: [], manager: '' });
  });

  it('reports a managed field another manager changed, with both values, the manager and when', () => {
    const imageBy = edit('2026-03-01T10:05:00Z', { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"api"}': { 'f:image': {} } } } } } });
    const live = deployment({ image: 'api:2', managedFields: [flotilla, imageBy] });
    expect(detectDrift(deployment(), live)).toEqual({
      diffs: [{ path: '/spec/template/spec/containers/0/image', desired: 'api:1', live: 'api:2' }],
      manager: 'kubectl-edit',
      changedAt: '2026-03-01T10:05:00Z',
    });
  });

  it('blames a removal on the manager that wrote after Flotilla, not on a status writer', () => {
    const status: ManagedFieldsEntry = { ...edit('2026-03-01T11:00:00Z', { 'f:status': {} }, 'kube-controller-manager'), subresource: 'status' };
    const remover = edit('2026-03-01T10:07:00Z', { 'f:metadata': { 'f:annotations': {} } }, 'cleanup-script');
    const older = edit('2026-03-01T09:00:00Z', { 'f:spec': { 'f:paused': {} } }, 'old-tool');
    const live = deployment({ labels: { a: '1' }, managedFields: [flotilla, older, remover, status] });
    expect(detectDrift(deployment(), live)).toMatchObject({
      diffs: [{ path: '/metadata/labels/b', desired: '2' }],
      manager: 'cleanup-script',
      changedAt: '2026-03-01T10:07:00Z',
    });
  });

  it('names each member of a map that is gone as a whole', () => {
    const live = deployment({ managedFields: [flotilla] });
    delete live.metadata.labels;
    expect(detectDrift(deployment(), live).diffs).toEqual([
      { path: '/metadata/labels/a', desired: '1' },
      { path: '/metadata/labels/b', desired: '2' },
    ]);
  });

  it('leaves fields owned by other managers alone: replicas set by an autoscaler are not drift', () => {
    const autoscaler = edit('2026-03-01T10:05:00Z', { 'f:spec': { 'f:replicas': {} } }, 'autoscaler');
    // The dry-run keeps the autoscaler's value; Flotilla does not own replicas, so even a stale value is not drift.
    expect(detectDrift(deployment({ replicas: 5 }), deployment({ replicas: 3, managedFields: [flotilla, autoscaler] })).diffs).toEqual([]);
  });

  it('does not compare ignored fields', () => {
    const live = deployment({ image: 'api:2', labels: { a: 'x', b: '2' } });
    expect(detectDrift(deployment(), live, { ignore: ['/spec/template/spec/containers/0/image'] }).diffs.map((d) => d.path)).toEqual(['/metadata/labels/a']);
    expect(detectDrift(deployment(), live, { ignore: ['/spec/template', '/metadata/labels'] }).diffs).toEqual([]);
  });

  it('says who changed it as unknown when managedFields do not tell', () => {
    const live = deployment({ image: 'api:2', managedFields: [{ ...flotilla, time: '2026-03-01T12:00:00Z' }] });
    expect(detectDrift(deployment(), live)).toEqual({ diffs: [{ path: '/spec/template/spec/containers/0/image', desired: 'api:1', live: 'api:2' }], manager: '' });
  });
});

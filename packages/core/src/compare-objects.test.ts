import { describe, expect, it } from 'vitest';
import { isJsonEqual, isUnchanged, stripBookkeeping } from './compare-objects.js';
import { type KubeObject } from './kube-object.js';

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api',
    namespace: 'web',
    labels: { app: 'api' },
    resourceVersion: '812',
    generation: 4,
    uid: '6f1c',
    creationTimestamp: '2026-01-01T00:00:00Z',
    selfLink: '/apis/apps/v1/namespaces/web/deployments/api',
    managedFields: [{ manager: 'flotilla', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
  },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', image: 'api:1' }] } } },
  status: { readyReplicas: 3 },
};

describe('comparing a dry-run result with the live object', () => {
  it('finds them unchanged when only bookkeeping metadata and status differ', () => {
    const dryRun = structuredClone(live);
    dryRun.metadata = { ...dryRun.metadata, resourceVersion: '813', generation: 5, managedFields: [] };
    dryRun['status'] = { readyReplicas: 0 };
    expect(isUnchanged(dryRun, live)).toBe(true);
  });

  it('finds a change in spec, labels or annotations', () => {
    const replicas = structuredClone(live);
    (replicas['spec'] as { replicas: number }).replicas = 4;
    const labels = structuredClone(live);
    labels.metadata.labels = { app: 'api', tier: 'web' };
    const annotations = structuredClone(live);
    annotations.metadata.annotations = { note: 'x' };
    for (const dryRun of [replicas, labels, annotations]) expect(isUnchanged(dryRun, live)).toBe(false);
  });

  it('ignores the order of object members but not of list items', () => {
    const reordered: KubeObject = { status: live['status'], spec: live['spec'], metadata: live.metadata, kind: live.kind, apiVersion: live.apiVersion };
    expect(isUnchanged(reordered, live)).toBe(true);
    expect(isJsonEqual({ list: [1, 2] }, { list: [2, 1] })).toBe(false);
  });

  it('treats a member set to undefined as absent', () => {
    expect(isJsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(isJsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(isJsonEqual({ a: null }, { a: undefined })).toBe(false);
  });

  it('strips bookkeeping from a copy, leaving the object as it was', () => {
    const stripped = stripBookkeeping(live);
    expect(stripped.metadata).toEqual({ name: 'api', namespace: 'web', labels: { app: 'api' } });
    expect(stripped['status']).toBeUndefined();
    expect(live.metadata.resourceVersion).toBe('812');
    expect(live['status']).toBeDefined();
  });
});

import { describe, expect, it } from 'vitest';
import { extractOwned } from './extract-owned.js';
import { type KubeObject } from './kube-object.js';

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api',
    namespace: 'web',
    uid: '1',
    resourceVersion: '42',
    labels: { app: 'api', team: 'payments' },
    annotations: { note: 'hand-written' },
    finalizers: ['example.com/cleanup', 'other.io/keep'],
    managedFields: [
      {
        manager: 'flotilla',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"example.com/cleanup"': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } },
          },
        },
      },
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } }, 'f:spec': { 'f:paused': {} } },
      },
      { manager: 'flotilla', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } } },
    ],
  },
  spec: {
    replicas: 3,
    paused: false,
    selector: { matchLabels: { app: 'api' } },
    template: {
      spec: {
        containers: [
          { name: 'sidecar', image: 'envoy:1' },
          { name: 'app', image: 'api:2', resources: { limits: { cpu: '1' } } },
        ],
      },
    },
  },
  status: { replicas: 3 },
};

describe('extractOwned', () => {
  it("keeps the fields the manager's applies own, with their live values, and nothing another manager set", () => {
    expect(extractOwned(live, 'flotilla')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'web', labels: { app: 'api' }, finalizers: ['example.com/cleanup'] },
      spec: {
        replicas: 3,
        // An atomic field (no children in the trie) comes whole.
        selector: { matchLabels: { app: 'api' } },
        template: { spec: { containers: [{ name: 'app', image: 'api:2' }] } },
      },
    });
  });

  it('gives just the identity for a manager that never applied the object (Update entries and subresources do not count)', () => {
    expect(extractOwned(live, 'kubectl-edit')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'web' } });
    expect(extractOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }, 'flotilla')).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  });

  it('adds the key fields of a keyed list item the manager owns only part of', () => {
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'api',
        managedFields: [{ manager: 'flotilla', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': {} } } } } }],
      },
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, name: 'http' }] },
    };
    expect(extractOwned(service, 'flotilla').spec).toEqual({ ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] });
  });
});

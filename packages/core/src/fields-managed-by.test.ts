import { describe, expect, it } from 'vitest';
import { diffFields } from './diff-fields.js';
import { fieldsManagedBy } from './fields-managed-by.js';
import { type KubeObject, type ManagedFieldsEntry } from './kube-object.js';

const managedFields: ManagedFieldsEntry[] = [
  {
    manager: 'flotilla',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"example.com/cleanup"': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:args': {} } } },
        },
      },
    },
  },
  {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-03-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } },
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:resources': { 'f:limits': { 'f:cpu': {} } } } } } } },
    },
  },
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    subresource: 'status',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:conditions': { 'i:0': { 'f:type': {} } } } },
  },
];

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'web', labels: { app: 'api', extra: 'x' }, annotations: { note: 'hi' }, finalizers: ['other', 'example.com/cleanup'], managedFields },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api' } },
    template: {
      spec: {
        containers: [
          { name: 'istio-proxy', image: 'proxy:1' },
          { name: 'app', image: 'api:1', args: ['--port=80'], resources: { limits: { cpu: '1' } } },
        ],
      },
    },
  },
  status: { replicas: 3, conditions: [{ type: 'Available' }] },
};

describe('fields managed by a field manager', () => {
  const flotilla = fieldsManagedBy(managedFields, 'flotilla');

  it('cover the fields the manager applied, resolving keyed list items against the object', () => {
    expect(flotilla.covers(live, '/spec/replicas')).toBe(true);
    expect(flotilla.covers(live, '/spec/template/spec/containers/1/image')).toBe(true);
    expect(flotilla.covers(live, '/spec/template/spec/containers/0/image')).toBe(false);
    expect(flotilla.covers(live, '/metadata/labels/extra')).toBe(false);
    expect(flotilla.covers(live, '/status/replicas')).toBe(false);
  });

  it('cover everything inside an atomic field such as a selector or a list of arguments', () => {
    expect(flotilla.covers(live, '/spec/selector/matchLabels/app')).toBe(true);
    expect(flotilla.covers(live, '/spec/template/spec/containers/1/args/0')).toBe(true);
  });

  it('cover set-like list values (v:) and positional items (i:)', () => {
    expect(flotilla.covers(live, '/metadata/finalizers/1')).toBe(true);
    expect(flotilla.covers(live, '/metadata/finalizers/0')).toBe(false);
    const controller = fieldsManagedBy(managedFields, 'kube-controller-manager');
    expect(controller.covers(live, '/status/conditions/0/type')).toBe(true);
  });

  it('list the owned fields present in the object as JSON pointers', () => {
    expect(flotilla.pointers(live)).toEqual([
      '/metadata/labels/app',
      '/metadata/finalizers/1',
      '/spec/replicas',
      '/spec/selector',
      '/spec/template/spec/containers/1',
      '/spec/template/spec/containers/1/name',
      '/spec/template/spec/containers/1/image',
      '/spec/template/spec/containers/1/args',
    ]);
  });

  it('merge all entries of a manager, or only those of one operation', () => {
    const merged = fieldsManagedBy([...managedFields, { manager: 'flotilla', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:extra': {} } } } }], 'flotilla');
    expect(merged.covers(live, '/metadata/labels/extra')).toBe(true);
    expect(merged.covers(live, '/metadata/labels/app')).toBe(true);
    const applyOnly = fieldsManagedBy(managedFields, 'kubectl-edit', { operation: 'Apply' });
    expect(applyOnly.covers(live, '/metadata/annotations/note')).toBe(false);
  });

  it('are empty for a manager that owns nothing', () => {
    const nobody = fieldsManagedBy(managedFields, 'helm');
    expect(nobody.covers(live, '/spec/replicas')).toBe(false);
    expect(nobody.pointers(live)).toEqual([]);
    expect(fieldsManagedBy(undefined, 'flotilla').pointers(live)).toEqual([]);
  });

  it('tell which manager changed a drifted field', () => {
    const desired = structuredClone(live);
    const containers = (desired['spec'] as { template: { spec: { containers: { resources?: unknown }[] } } }).template.spec.containers;
    delete containers[1]?.resources;
    const drift = diffFields(desired, live);
    expect(drift.map((d) => d.path)).toEqual(['/spec/template/spec/containers/1/resources']);
    const owners = ['flotilla', 'kubectl-edit'].filter((manager) =>
      fieldsManagedBy(managedFields, manager).covers(live, '/spec/template/spec/containers/1/resources/limits/cpu'),
    );
    expect(owners).toEqual(['kubectl-edit']);
  });
});

import { describe, expect, it } from 'vitest';
import { isApplyNoop } from './apply-is-noop.js';
import { type KubeObject } from './kube-object.js';

const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'web', labels: { app: 'api' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'app', image: 'api:1', args: ['--port=80'] }], volumes: [{ name: 'tmp', emptyDir: {} }] },
    },
  },
};

// What the API server keeps after `flotilla` applied `desired`, with defaults and another manager's additions.
function liveOf(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'web',
      labels: { app: 'api', team: 'core' },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      resourceVersion: '812',
      uid: '6f1c',
      generation: 1,
      managedFields: [
        {
          manager: 'flotilla',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:selector': {},
              'f:template': {
                'f:metadata': { 'f:labels': { 'f:app': {} } },
                'f:spec': {
                  'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:args': {} } },
                  'f:volumes': { 'k:{"name":"tmp"}': { '.': {}, 'f:name': {}, 'f:emptyDir': {} } },
                },
              },
            },
          },
        },
        {
          manager: 'kubectl-label',
          operation: 'Update',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'apps/v1',
          subresource: 'status',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { 'f:replicas': {} } },
        },
      ],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          containers: [
            { name: 'app', image: 'api:1', args: ['--port=80'], imagePullPolicy: 'IfNotPresent' },
            { name: 'proxy', image: 'proxy:1' },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 2 },
  };
}

type Spec = { replicas: number; template: { spec: { containers: Record<string, unknown>[] } } };
const spec = (object: KubeObject): Spec => object['spec'] as Spec;

describe('telling that an apply would change nothing', () => {
  it('is certain when the manager owns exactly the desired fields with the same values, whatever else the object holds', () => {
    expect(isApplyNoop(desired, liveOf(), 'flotilla')).toBe(true);
  });

  it('is not certain when a desired value differs', () => {
    const changed = structuredClone(desired);
    spec(changed).replicas = 3;
    expect(isApplyNoop(changed, liveOf(), 'flotilla')).toBe(false);
  });

  it('is not certain when the manager owns a field the desired object no longer has (the apply would remove it)', () => {
    const fewer = structuredClone(desired);
    delete (spec(fewer).template.spec.containers[0] as { args?: unknown }).args;
    expect(isApplyNoop(fewer, liveOf(), 'flotilla')).toBe(false);
  });

  it('is not certain when a desired field is owned by another manager only, even with the same value', () => {
    const more = structuredClone(desired);
    more.metadata.labels = { app: 'api', team: 'core' };
    expect(isApplyNoop(more, liveOf(), 'flotilla')).toBe(false);
  });

  it('is not certain when another manager changed a value the manager owns', () => {
    const live = liveOf();
    spec(live).replicas = 5;
    expect(isApplyNoop(desired, live, 'flotilla')).toBe(false);
  });

  it('is not certain when a desired list item is new, or keyed items come in another order', () => {
    const added = structuredClone(desired);
    spec(added).template.spec.containers.push({ name: 'sidecar', image: 'side:1' });
    expect(isApplyNoop(added, liveOf(), 'flotilla')).toBe(false);

    const live = liveOf();
    const owned = live.metadata.managedFields?.[0]?.fieldsV1 as { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': Record<string, unknown> } } } };
    owned['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"proxy"}'] = { '.': {}, 'f:name': {}, 'f:image': {} };
    const both = structuredClone(desired);
    spec(both).template.spec.containers = [{ name: 'app', image: 'api:1', args: ['--port=80'] }, { name: 'proxy', image: 'proxy:1' }];
    expect(isApplyNoop(both, live, 'flotilla')).toBe(true);
    spec(both).template.spec.containers.reverse();
    expect(isApplyNoop(both, live, 'flotilla')).toBe(false);
  });

  it('compares atomic values whole', () => {
    const args = structuredClone(desired);
    (spec(args).template.spec.containers[0] as { args: string[] }).args = ['--port=81'];
    expect(isApplyNoop(args, liveOf(), 'flotilla')).toBe(false);
    const selector = structuredClone(desired);
    (selector['spec'] as { selector: unknown }).selector = { matchLabels: { app: 'api', tier: 'web' } };
    expect(isApplyNoop(selector, liveOf(), 'flotilla')).toBe(false);
  });

  it('is not certain for a value the server normalised (a dry-run decides)', () => {
    const live = liveOf();
    const quantity = structuredClone(desired);
    (spec(quantity).template.spec.containers[0] as { resources?: unknown }).resources = { limits: { cpu: '0.5' } };
    (spec(live).template.spec.containers[0] as { resources?: unknown }).resources = { limits: { cpu: '500m' } };
    const owned = live.metadata.managedFields?.[0]?.fieldsV1 as { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': Record<string, Record<string, unknown>> } } } };
    const container = owned['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'] as Record<string, unknown>;
    container['f:resources'] = { 'f:limits': { 'f:cpu': {} } };
    expect(isApplyNoop(quantity, live, 'flotilla')).toBe(false);
  });

  it('is not certain without exactly one Apply entry of the manager at the same apiVersion, or for an object being deleted', () => {
    const none = liveOf();
    none.metadata.managedFields = none.metadata.managedFields?.filter((entry) => entry.manager !== 'flotilla');
    expect(isApplyNoop(desired, none, 'flotilla')).toBe(false);
    // Only an object of nothing but its name may have no entry: the server keeps none for a manager owning nothing.
    const bare: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } };
    expect(isApplyNoop(bare, { ...bare, metadata: { name: 'web', labels: { 'kubernetes.io/metadata.name': 'web' } } }, 'flotilla')).toBe(true);
    expect(isApplyNoop(desired, liveOf(), 'helm')).toBe(false);

    const otherVersion = liveOf();
    const [entry] = otherVersion.metadata.managedFields ?? [];
    if (entry) entry.apiVersion = 'apps/v1beta2';
    expect(isApplyNoop(desired, otherVersion, 'flotilla')).toBe(false);

    const twice = liveOf();
    twice.metadata.managedFields?.push({ ...twice.metadata.managedFields[0], operation: 'Apply', manager: 'flotilla' });
    expect(isApplyNoop(desired, twice, 'flotilla')).toBe(false);

    const deleting = liveOf();
    deleting.metadata['deletionTimestamp'] = '2026-11-26T00:00:00Z';
    expect(isApplyNoop(desired, deleting, 'flotilla')).toBe(false);
  });

  it('is not certain for another object', () => {
    expect(isApplyNoop({ ...desired, metadata: { ...desired.metadata, name: 'web' } }, liveOf(), 'flotilla')).toBe(false);
    expect(isApplyNoop({ ...desired, metadata: { ...desired.metadata, namespace: 'other' } }, liveOf(), 'flotilla')).toBe(false);
    expect(isApplyNoop({ ...desired, apiVersion: 'apps/v1beta2' }, liveOf(), 'flotilla')).toBe(false);
  });

  it('handles set-like lists (v:) and empty objects', () => {
    const withFinalizer: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a.io/x'] }, data: {} };
    const live: KubeObject = {
      ...withFinalizer,
      metadata: {
        name: 'c',
        finalizers: ['other.io/y', 'a.io/x'],
        managedFields: [{ manager: 'flotilla', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:metadata': { 'f:finalizers': { 'v:"a.io/x"': {} } }, 'f:data': {} } }],
      },
    };
    expect(isApplyNoop(withFinalizer, live, 'flotilla')).toBe(true);
    expect(isApplyNoop({ ...withFinalizer, metadata: { name: 'c', finalizers: ['a.io/z'] } }, live, 'flotilla')).toBe(false);
  });

  it('matches keyed items whose key field the server defaulted, and only one to one', () => {
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } };
    const owned = { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } };
    const live: KubeObject = {
      ...service,
      metadata: { name: 'web', managedFields: [{ manager: 'flotilla', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:spec': { 'f:ports': owned } } }] },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP' },
    };
    expect(isApplyNoop(service, live, 'flotilla')).toBe(true);

    // Applied with protocol UDP, it owns the field: leaving it out now means TCP, another item.
    const udp = structuredClone(live);
    const udpOwned = { 'k:{"port":80,"protocol":"UDP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {} } };
    udp.metadata.managedFields = [{ manager: 'flotilla', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:spec': { 'f:ports': udpOwned } } }];
    (udp['spec'] as { ports: Array<{ protocol: string }> }).ports[0]!.protocol = 'UDP';
    expect(isApplyNoop(service, udp, 'flotilla')).toBe(false);

    // Two owned items (TCP and UDP on port 80) and one desired item without a protocol: the apply would drop one.
    const both = structuredClone(live);
    both.metadata.managedFields = [
      { manager: 'flotilla', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:spec': { 'f:ports': { ...owned, 'k:{"port":80,"protocol":"UDP"}': { '.': {}, 'f:name': {}, 'f:port': {} } } } } },
    ];
    (both['spec'] as { ports: unknown[] }).ports.push({ name: 'http', port: 80, protocol: 'UDP' });
    expect(isApplyNoop(service, both, 'flotilla')).toBe(false);
  });
});

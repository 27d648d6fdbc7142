import { describe, expect, it } from 'vitest';
import { diffFields } from './diff-fields.js';

const container = (name: string, image: string) => ({ name, image });

describe('field diffs', () => {
  it('are empty for equal values', () => {
    expect(diffFields({ spec: { replicas: 3 } }, { spec: { replicas: 3 } })).toEqual([]);
  });

  it('name changed, missing and extra fields by JSON pointer, escaping / and ~', () => {
    const desired = { metadata: { annotations: { 'example.com/owner': 'team-a', 'a~b': 'x' } }, spec: { replicas: 3 } };
    const live = { metadata: { annotations: { 'example.com/owner': 'team-b' } }, spec: { replicas: 3, paused: true } };
    expect(diffFields(desired, live)).toEqual([
      { path: '/metadata/annotations/a~0b', desired: 'x' },
      { path: '/metadata/annotations/example.com~1owner', desired: 'team-a', live: 'team-b' },
      { path: '/spec/paused', live: true },
    ]);
  });

  it('match containers by name, so an injected sidecar is one diff', () => {
    const desired = { containers: [container('app', 'api:2')] };
    const live = { containers: [container('istio-proxy', 'proxy:1'), container('app', 'api:1')] };
    expect(diffFields(desired, live)).toEqual([
      { path: '/containers/1/image', desired: 'api:2', live: 'api:1' },
      { path: '/containers/0', live: container('istio-proxy', 'proxy:1') },
    ]);
  });

  it('report a named item missing from the live list at its desired index', () => {
    expect(diffFields({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { env: [{ name: 'A', value: '1' }] })).toEqual([
      { path: '/env/1', desired: { name: 'B', value: '2' } },
    ]);
  });

  it('compare lists of scalars whole', () => {
    expect(diffFields({ args: ['--a', '--b'] }, { args: ['--a', '--c', '--d'] })).toEqual([
      { path: '/args', desired: ['--a', '--b'], live: ['--a', '--c', '--d'] },
    ]);
  });

  it('compare lists of objects without a unique name by index', () => {
    const desired = { ports: [{ port: 80 }, { port: 443 }] };
    const live = { ports: [{ port: 80 }, { port: 8443 }, { port: 9090 }] };
    expect(diffFields(desired, live)).toEqual([
      { path: '/ports/1/port', desired: 443, live: 8443 },
      { path: '/ports/2', live: { port: 9090 } },
    ]);
  });

  it('use another merge key when asked', () => {
    const desired = { volumeMounts: [{ mountPath: '/data', readOnly: true }] };
    const live = { volumeMounts: [{ mountPath: '/tmp' }, { mountPath: '/data', readOnly: false }] };
    expect(diffFields(desired, live, { mergeKey: 'mountPath' })).toEqual([
      { path: '/volumeMounts/1/readOnly', desired: true, live: false },
      { path: '/volumeMounts/0', live: { mountPath: '/tmp' } },
    ]);
  });

  it('report a change of type at the field itself', () => {
    expect(diffFields({ spec: { ports: [80] } }, { spec: { ports: '80' } })).toEqual([{ path: '/spec/ports', desired: [80], live: '80' }]);
    expect(diffFields(1, 2)).toEqual([{ path: '', desired: 1, live: 2 }]);
  });
});

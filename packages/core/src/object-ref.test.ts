import { describe, expect, it } from 'vitest';
import { type KubeObject } from './kube-object.js';
import { formatApiVersion, formatObjectRef, objectKey, objectRefOf, parseApiVersion } from './object-ref.js';

const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'web' } };
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } };

describe('object references', () => {
  it('are read from an object, with the group and version split', () => {
    expect(objectRefOf(deployment)).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' });
    expect(objectRefOf(namespace)).toEqual({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'web' });
  });

  it('are written Kind/namespace/name, or Kind/name when cluster-scoped', () => {
    expect(formatObjectRef(objectRefOf(deployment))).toBe('Deployment/web/api');
    expect(formatObjectRef(objectRefOf(namespace))).toBe('Namespace/web');
  });

  it('have a key that ignores the version, so v1beta1 and v1 of an object are the same object', () => {
    const v1 = objectRefOf({ ...deployment, apiVersion: 'apps/v1' });
    const beta = objectRefOf({ ...deployment, apiVersion: 'apps/v1beta2' });
    expect(objectKey(v1)).toBe('apps/Deployment/web/api');
    expect(objectKey(beta)).toBe(objectKey(v1));
    expect(objectKey(objectRefOf(namespace))).toBe('/Namespace//web');
  });

  it('have keys that differ when group, kind, namespace or name differ', () => {
    const base = objectRefOf(deployment);
    const keys = new Set(
      [base, { ...base, group: 'extensions' }, { ...base, kind: 'StatefulSet' }, { ...base, namespace: 'other' }, { ...base, name: 'x' }].map(objectKey),
    );
    expect(keys.size).toBe(5);
  });

  it('split and join apiVersions, with the core group written as just the version', () => {
    expect(parseApiVersion('rbac.authorization.k8s.io/v1')).toEqual({ group: 'rbac.authorization.k8s.io', version: 'v1' });
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(formatApiVersion({ group: '', version: 'v1' })).toBe('v1');
    expect(formatApiVersion({ group: 'apps', version: 'v1' })).toBe('apps/v1');
  });
});

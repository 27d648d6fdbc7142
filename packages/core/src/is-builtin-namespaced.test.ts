import { describe, expect, it } from 'vitest';
import { isBuiltinNamespaced } from './is-builtin-namespaced.js';

describe('scopes of built-in kinds', () => {
  it('know namespaced kinds', () => {
    for (const [group, kind] of [['', 'ConfigMap'], ['apps', 'Deployment'], ['rbac.authorization.k8s.io', 'RoleBinding'], ['batch', 'CronJob']] as const) {
      expect(isBuiltinNamespaced({ group, kind })).toBe(true);
    }
  });

  it('know cluster-scoped kinds', () => {
    for (const [group, kind] of [['', 'Namespace'], ['rbac.authorization.k8s.io', 'ClusterRole'], ['apiextensions.k8s.io', 'CustomResourceDefinition'], ['storage.k8s.io', 'StorageClass']] as const) {
      expect(isBuiltinNamespaced({ group, kind })).toBe(false);
    }
  });

  it('do not guess for custom resources or kinds in another group', () => {
    expect(isBuiltinNamespaced({ group: 'cert-manager.io', kind: 'Certificate' })).toBeUndefined();
    expect(isBuiltinNamespaced({ group: 'example.com', kind: 'ConfigMap' })).toBeUndefined();
  });
});

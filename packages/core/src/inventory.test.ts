import { describe, expect, it } from 'vitest';
import { createInventory, decodeInventory, diffInventory, encodeInventory, INVENTORY_HEADER, isPruneDisabled } from './inventory.js';
import { type ObjectRef } from './object-ref.js';

const ref = (group: string, version: string, kind: string, namespace: string, name: string): ObjectRef => ({ group, version, kind, namespace, name });

const deployment = ref('apps', 'v1', 'Deployment', 'web', 'api');
const service = ref('', 'v1', 'Service', 'web', 'api');
const namespace = ref('', 'v1', 'Namespace', '', 'web');
const hpaBeta = ref('autoscaling', 'v2beta2', 'HorizontalPodAutoscaler', 'web', 'api');

describe('inventories', () => {
  it('prune objects that left the inventory', () => {
    expect(diffInventory([deployment, service, namespace], [deployment, namespace])).toEqual([service]);
  });

  it('do not prune an object whose apiVersion only changed version', () => {
    expect(diffInventory([hpaBeta], [{ ...hpaBeta, version: 'v2' }])).toEqual([]);
  });

  it('are sorted and free of duplicates', () => {
    expect(createInventory([service, deployment, { ...deployment, version: 'v1beta1' }, namespace])).toEqual([namespace, service, deployment]);
  });

  it('keep objects annotated flotilla.dev/prune: disabled, or with Flux’s annotation', () => {
    const withAnnotations = (annotations?: Record<string, string>) => ({ metadata: { name: 'x', ...(annotations ? { annotations } : {}) } });
    expect(isPruneDisabled(withAnnotations({ 'flotilla.dev/prune': 'disabled' }))).toBe(true);
    expect(isPruneDisabled(withAnnotations({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }))).toBe(true);
    expect(isPruneDisabled(withAnnotations({ 'flotilla.dev/prune': 'enabled' }))).toBe(false);
    expect(isPruneDisabled(withAnnotations())).toBe(false);
  });

  it('encode to sorted lines a person can read, and decode back', () => {
    const text = encodeInventory([deployment, service, namespace]);
    expect(text).toBe(`${INVENTORY_HEADER}\n/v1/Namespace//web\n/v1/Service/web/api\napps/v1/Deployment/web/api\n`);
    expect(decodeInventory(text)).toEqual([namespace, service, deployment]);
  });

  it('encode equal inventories to equal text whatever the input order', () => {
    expect(encodeInventory([service, deployment])).toBe(encodeInventory([deployment, service]));
    expect(encodeInventory([])).toBe(`${INVENTORY_HEADER}\n`);
    expect(decodeInventory(encodeInventory([]))).toEqual([]);
  });

  it('survive names with characters that would break the format', () => {
    const odd = ref('rbac.authorization.k8s.io', 'v1', 'ClusterRole', '', 'system:odd name%/\nx');
    expect(decodeInventory(encodeInventory([odd]))).toEqual([odd]);
    expect(encodeInventory([odd]).split('\n')).toHaveLength(3);
  });

  it('refuse damaged text, naming the line', () => {
    const cases: [string, string][] = [
      ['', 'line 1'],
      ['something else\n', 'line 1'],
      [`${INVENTORY_HEADER}\n/v1/Service/web\n`, 'line 2'],
      [`${INVENTORY_HEADER}\n/v1/Service/web/api\n//Service/web/x\n`, 'line 3'],
      [`${INVENTORY_HEADER}\n/v1/Service/web/a%zz\n`, 'line 2'],
      [`${INVENTORY_HEADER}\n/v1/Service/web/api\n/v1/Service/web/api\n`, 'line 3'],
    ];
    for (const [text, where] of cases) {
      expect(() => decodeInventory(text)).toThrow(where);
      expect(() => decodeInventory(text)).toThrow(expect.objectContaining({ code: 'INVALID_INVENTORY' }));
    }
  });
});

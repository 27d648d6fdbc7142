import { describe, expect, it } from 'vitest';
import { planApplyStages, planPruneStages, type ApplyStage } from './apply-order.js';
import { isBuiltinNamespaced } from './is-builtin-namespaced.js';
import { type KubeObject } from './kube-object.js';
import { formatObjectRef, objectRefOf, type ObjectRef } from './object-ref.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

const summary = (stages: ApplyStage<KubeObject | ObjectRef>[]): [string, string[]][] =>
  stages.map((stage) => [stage.name, stage.objects.map((o) => formatObjectRef('apiVersion' in o ? objectRefOf(o as KubeObject) : (o as ObjectRef)))]);

const manifests = [
  obj('apps/v1', 'Deployment', 'api', 'web'),
  obj('v1', 'Service', 'api', 'web'),
  obj('example.com/v1', 'Widget', 'w', 'web'),
  obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'widgets'),
  obj('v1', 'ConfigMap', 'cfg', 'web'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
  obj('v1', 'Namespace', 'web'),
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'api', 'web'),
  obj('v1', 'ServiceAccount', 'api', 'web'),
  obj('v1', 'Secret', 'token', 'web'),
  obj('scheduling.k8s.io/v1', 'PriorityClass', 'high'),
];

describe('apply order', () => {
  it('applies CRDs, then Namespaces, then cluster-scoped objects, then namespaced ones, then webhooks', () => {
    expect(summary(planApplyStages(manifests, isBuiltinNamespaced))).toEqual([
      ['crds', ['CustomResourceDefinition/widgets.example.com']],
      ['namespaces', ['Namespace/web']],
      ['cluster', ['PriorityClass/high', 'ClusterRole/reader']],
      [
        'namespaced',
        ['ServiceAccount/web/api', 'RoleBinding/web/api', 'ConfigMap/web/cfg', 'Secret/web/token', 'Service/web/api', 'Deployment/web/api', 'Widget/web/w'],
      ],
      ['webhooks', ['ValidatingWebhookConfiguration/widgets']],
    ]);
  });

  it('keeps manifest order among objects of the same kind and among unlisted kinds', () => {
    const objects = [
      obj('example.com/v1', 'Widget', 'b', 'web'),
      obj('v1', 'ConfigMap', 'z', 'web'),
      obj('example.com/v1', 'Gadget', 'a', 'web'),
      obj('v1', 'ConfigMap', 'a', 'web'),
    ];
    expect(summary(planApplyStages(objects, isBuiltinNamespaced))).toEqual([
      ['namespaced', ['ConfigMap/web/z', 'ConfigMap/web/a', 'Widget/web/b', 'Gadget/web/a']],
    ]);
  });

  it('treats a custom resource of unknown scope as cluster-scoped only when discovery says so', () => {
    const clusterIssuer = obj('cert-manager.io/v1', 'ClusterIssuer', 'letsencrypt');
    expect(summary(planApplyStages([clusterIssuer], isBuiltinNamespaced))).toEqual([['namespaced', ['ClusterIssuer/letsencrypt']]]);
    expect(summary(planApplyStages([clusterIssuer], (ref) => (ref.kind === 'ClusterIssuer' ? false : undefined)))).toEqual([
      ['cluster', ['ClusterIssuer/letsencrypt']],
    ]);
  });

  it('stages rendered objects and plain refs as well as objects', () => {
    const ref = objectRefOf(obj('v1', 'Namespace', 'web'));
    expect(planApplyStages([{ ref, file: 'ns.yaml' }]).map((s) => s.name)).toEqual(['namespaces']);
    expect(planApplyStages([ref]).map((s) => s.objects)).toEqual([[ref]]);
  });

  it('prunes in the reverse order: webhooks and workloads first, Namespaces and CRDs last', () => {
    const refs = manifests.map((m) => {
      const ref = objectRefOf(m);
      return isBuiltinNamespaced(ref) === false ? ref : { ...ref, namespace: ref.namespace || 'web' };
    });
    expect(summary(planPruneStages(refs))).toEqual([
      ['webhooks', ['ValidatingWebhookConfiguration/widgets']],
      [
        'namespaced',
        ['Widget/web/w', 'Deployment/web/api', 'Service/web/api', 'Secret/web/token', 'ConfigMap/web/cfg', 'RoleBinding/web/api', 'ServiceAccount/web/api'],
      ],
      ['cluster', ['ClusterRole/reader', 'PriorityClass/high']],
      ['namespaces', ['Namespace/web']],
      ['crds', ['CustomResourceDefinition/widgets.example.com']],
    ]);
  });

  it('returns no stages for no objects', () => {
    expect(planApplyStages([])).toEqual([]);
  });
});

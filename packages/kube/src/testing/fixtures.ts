import { randomBytes } from 'node:crypto';
import { type KubeObject } from '@flotilla/core';

/** A name no other test uses: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A Namespace object. */
export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** A ConfigMap object. */
export function configMap(ns: string, name: string, data: Record<string, string> = { key: 'value' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

/** A one-replica Deployment whose selector matches its template (unless `templateLabel` says otherwise). */
export function deployment(
  ns: string,
  name: string,
  options: { templateLabel?: string; replicas?: number; image?: string; progressDeadlineSeconds?: number } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: options.replicas ?? 1,
      ...(options.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: options.progressDeadlineSeconds }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: options.templateLabel ?? name } },
        spec: { containers: [{ name: 'app', image: options.image ?? 'registry.example/app:1' }] },
      },
    },
  };
}

/** A namespaced CRD `<plural>.<group>` of kind `kind` with one served version v1 and an open schema for spec. */
export function crd(group: string, kind: string, options: { scope?: 'Namespaced' | 'Cluster' } = {}): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: options.scope ?? 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

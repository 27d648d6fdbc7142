/** Writes `count` objects of mixed kinds across `namespaces` namespaces as YAML files (one object per file). */
/** Services are headless (clusterIP: None): the test API servers have a /24 service range, too small for two full runs. */
export function mixedManifests(count: number, namespaces: number, prefix: string, version = '1'): Record<string, string> {
  const files: Record<string, string> = {};
  for (let n = 0; n < namespaces; n++) {
    files[`ns-${n}/namespace.yaml`] = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${prefix}-${n}\n`;
  }
  const perNamespace = Math.ceil((count - namespaces) / namespaces);
  let made = namespaces;
  for (let n = 0; n < namespaces && made < count; n++) {
    const ns = `${prefix}-${n}`;
    for (let i = 0; i < perNamespace && made < count; i++, made++) {
      const name = `obj-${i}`;
      switch (i % 5) {
        case 0:
          files[`ns-${n}/${name}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  version: "${version}"\n  payload: "${'x'.repeat(200)}"\n`;
          break;
        case 1:
          files[`ns-${n}/${name}.yaml`] = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nstringData:\n  token: "t-${i}"\n`;
          break;
        case 2:
          files[`ns-${n}/${name}.yaml`] = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`;
          break;
        case 3:
          files[`ns-${n}/${name}.yaml`] =
            `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  clusterIP: None\n  selector: { app: ${name} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`;
          break;
        default:
          files[`ns-${n}/${name}.yaml`] = [
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata:',
            `  name: ${name}`,
            `  namespace: ${ns}`,
            'spec:',
            '  replicas: 1',
            `  selector: { matchLabels: { app: ${name} } }`,
            '  template:',
            `    metadata: { labels: { app: ${name} } }`,
            '    spec:',
            `      containers: [{ name: app, image: "registry.example/app:${version}" }]`,
            '',
          ].join('\n');
      }
    }
  }
  return files;
}

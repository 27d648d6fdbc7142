import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { isBuiltinNamespaced } from './is-builtin-namespaced.js';
import { formatObjectRef } from './object-ref.js';
import { renderManifests, type ManifestFile, type RenderErrorDetail, type RenderOptions } from './render-manifests.js';

const options: RenderOptions = { appPath: 'apps/web', defaultNamespace: 'web', isNamespaced: isBuiltinNamespaced };

const configMap = (name: string, extra = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

function render(files: ManifestFile[], overrides: Partial<RenderOptions> = {}) {
  return renderManifests(files, { ...options, ...overrides });
}

function renderErrors(files: ManifestFile[], overrides: Partial<RenderOptions> = {}): RenderErrorDetail[] {
  try {
    render(files, overrides);
  } catch (error) {
    expect(FlotillaError.is(error, 'RENDER_FAILED')).toBe(true);
    return (error as FlotillaError).data['errors'] as RenderErrorDetail[];
  }
  throw new Error('render succeeded');
}

const ids = (files: ManifestFile[], overrides: Partial<RenderOptions> = {}): string[] =>
  render(files, overrides).objects.map((o) => formatObjectRef(o.ref));

describe('rendering manifests', () => {
  it('reads .yaml, .yml and .json files under the app path, in byte-wise path order', () => {
    const files = [
      { path: 'apps/web/z.yaml', content: configMap('z') },
      { path: 'apps/web/b/nested.yml', content: configMap('nested') },
      { path: 'apps/web/B.json', content: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'json' } }) },
      { path: 'apps/web/README.md', content: '# not a manifest' },
      { path: 'apps/web/.github/ci.yaml', content: 'on: push' },
      { path: 'apps/webhooks/x.yaml', content: configMap('other-app') },
      { path: 'apps/other/y.yaml', content: configMap('other') },
    ];
    expect(ids(files)).toEqual(['ConfigMap/web/json', 'ConfigMap/web/nested', 'ConfigMap/web/z']);
  });

  it('accepts the repository root as app path, written "", "." or "./"', () => {
    const files = [{ path: 'a.yaml', content: configMap('a') }];
    for (const appPath of ['', '.', './']) expect(ids(files, { appPath })).toEqual(['ConfigMap/web/a']);
  });

  it('reads every document of a file and skips empty ones', () => {
    const content = `# header\n---\n${configMap('one')}---\n---\n# only a comment\n---\n${configMap('two')}...\n`;
    const objects = render([{ path: 'apps/web/all.yaml', content }]).objects;
    expect(objects.map((o) => [o.ref.name, o.documentIndex, o.line])).toEqual([
      ['one', 0, 3],
      ['two', 3, 11],
    ]);
  });

  it('expands List documents into their items', () => {
    const content = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata: {name: b}',
    ].join('\n');
    const objects = render([{ path: 'apps/web/list.yaml', content }]).objects;
    expect(objects.map((o) => [o.ref.name, o.itemIndex, o.line])).toEqual([
      ['a', 0, 4],
      ['b', 1, 5],
    ]);
  });

  it('substitutes variables before parsing, so values can be any YAML', () => {
    const content = configMap('cfg', 'data:\n  replicas: "${replicas}"\n  image: app:${tag}\n');
    const [object] = render([{ path: 'apps/web/cm.yaml', content }], { variables: { replicas: '3', tag: 'v1.2' } }).objects;
    expect(object?.object['data']).toEqual({ replicas: '3', image: 'app:v1.2' });
  });

  it('names the file and line of an undefined cluster variable', () => {
    const errors = renderErrors([{ path: 'apps/web/cm.yaml', content: configMap('cfg', 'data:\n  image: app:${cluster.labels.tag}\n') }]);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE', file: 'apps/web/cm.yaml', line: 6, message: expect.stringContaining('"cluster.labels.tag"') }),
    ]);
  });

  it('leaves every ${...} that is not a variable of the App or the cluster as written', () => {
    const content = configMap('dash', 'data:\n  panel.json: \'{"datasource": "${datasource}", "expr": "rate(x[${__rate_interval}])"}\'\n  run.sh: |\n    echo "${1:-none}" "${HOME}"\n');
    const [object] = render([{ path: 'apps/web/cm.yaml', content }], { variables: { 'cluster.name': 'eu-1' } }).objects;
    expect(object?.object['data']).toEqual({
      'panel.json': '{"datasource": "${datasource}", "expr": "rate(x[${__rate_interval}])"}',
      'run.sh': 'echo "${1:-none}" "${HOME}"\n',
    });
  });

  it('leaves an object annotated flotilla.io/substitute: disabled (or Flux\'s annotation) unsubstituted, and substitutes its neighbours', () => {
    const disabled = (name: string, annotation: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    ${annotation}: disabled\ndata:\n  a: \${cluster.name} \${cluster.labels.none}\n`;
    const content = `${disabled('ours', 'flotilla.io/substitute')}---\n${disabled('flux', 'kustomize.toolkit.fluxcd.io/substitute')}---\n${configMap('plain', 'data:\n  a: ${cluster.name}\n')}`;
    const objects = render([{ path: 'apps/web/cm.yaml', content }], { variables: { 'cluster.name': 'eu-1' } }).objects;
    expect(objects.map((o) => [o.ref.name, o.object['data'], o.line])).toEqual([
      ['ours', { a: '${cluster.name} ${cluster.labels.none}' }, 1],
      ['flux', { a: '${cluster.name} ${cluster.labels.none}' }, 10],
      ['plain', { a: 'eu-1' }, 19],
    ]);
  });

  it('reports lines of the file as written even when a variable adds lines', () => {
    const content = `${configMap('a')}data:\n  script: |\n    \${script}\n---\n# the next one is wrong\n${configMap('b')}  labels: {n: 1}\n`;
    const errors = renderErrors([{ path: 'apps/web/cm.yaml', content }], { variables: { script: 'a\n    b\n    c' } });
    expect(errors.map((e) => [e.line, e.message])).toEqual([[14, expect.stringContaining('labels["n"] must be a string')]]);
  });

  it('names the line of a YAML syntax error', () => {
    const errors = renderErrors([{ path: 'apps/web/bad.yaml', content: `${configMap('a')}data:\n  key: [unclosed\n` }]);
    expect(errors[0]).toMatchObject({ code: 'INVALID_MANIFEST', file: 'apps/web/bad.yaml' });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(6);
    expect(errors[0]?.message).toMatch(/^invalid YAML/);
  });

  it('names the object, file and line of an invalid field', () => {
    const content = `${configMap('a')}  labels:\n    version: 1.0\n`;
    expect(renderErrors([{ path: 'apps/web/cm.yaml', content }])).toEqual([
      {
        code: 'INVALID_MANIFEST',
        file: 'apps/web/cm.yaml',
        line: 6,
        message: 'ConfigMap/a: metadata.labels["version"] must be a string, got number 1; quote it',
        object: { group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'a' },
      },
    ]);
  });

  it('refuses documents without apiVersion, kind or metadata.name', () => {
    const content = 'kind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nmetadata: {}\n---\n- just a list\n';
    const errors = renderErrors([{ path: 'apps/web/x.yaml', content }]);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [1, 'ConfigMap/a: apiVersion is missing'],
      [5, 'kind is missing'],
      [6, 'metadata.name is missing'],
      [8, expect.stringContaining('not a Kubernetes object')],
    ]);
  });

  it('refuses names and namespaces Kubernetes would refuse, and values JSON cannot carry', () => {
    const content = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a/b\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: Web_1\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  x: !!binary aGk=\n  y: .inf\n',
      'apiVersion: apps/v1/beta\nkind: Deployment\nmetadata:\n  name: e\n',
    ].join('---\n');
    expect(renderErrors([{ path: 'apps/web/x.yaml', content }]).map((e) => [e.line, e.message])).toEqual([
      [4, expect.stringContaining('metadata.name must be a non-empty string without "/"')],
      [10, 'ConfigMap/Web_1/c: metadata.namespace must be a DNS label, got "Web_1"'],
      [17, expect.stringContaining('/data/x is not a JSON value')],
      [18, 'ConfigMap/d: /data/y is Infinity, which JSON cannot carry'],
      [20, expect.stringContaining('apiVersion must be "version" or "group/version"')],
    ]);
  });

  it('refuses kustomization files instead of applying them without their patches', () => {
    const content = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: k\nresources: [a.yaml]\n';
    expect(renderErrors([{ path: 'apps/web/kustomization.yaml', content }])[0]?.message).toContain('a kustomization file among plain manifests: point the App\'s path at its directory');
  });

  it('names both files when an object is declared twice', () => {
    const errors = renderErrors([
      { path: 'apps/web/a.yaml', content: configMap('same') },
      { path: 'apps/web/b.yaml', content: `${configMap('other')}---\n${configMap('same').replace('name: same', 'name: same\n  namespace: web')}` },
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_OBJECT',
        file: 'apps/web/b.yaml',
        line: 6,
        message: 'ConfigMap/web/same is declared twice: in apps/web/a.yaml:1 and apps/web/b.yaml:6',
      }),
    ]);
  });

  it('gives namespaced objects the default namespace and leaves cluster-scoped and unknown kinds as written', () => {
    const content = [
      configMap('defaulted'),
      configMap('explicit').replace('name: explicit', 'name: explicit\n  namespace: other'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: web\n',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
    ].join('---\n');
    expect(ids([{ path: 'apps/web/x.yaml', content }])).toEqual([
      'ConfigMap/web/defaulted',
      'ConfigMap/other/explicit',
      'ClusterRole/reader',
      'Widget/w',
    ]);
    const [defaulted] = render([{ path: 'apps/web/x.yaml', content }]).objects;
    expect(defaulted?.object.metadata.namespace).toBe('web');
  });

  it('reads 0644 as octal and yes/on as strings, like kubectl and Flux', () => {
    const content = `${configMap('a')}data:\n  enabled: on\nmode: 0644\nhex: 0x1F\n`;
    const [object] = render([{ path: 'apps/web/a.yaml', content }]).objects;
    expect(object?.object).toMatchObject({ data: { enabled: 'on' }, mode: 420, hex: 31 });
  });

  it('supports YAML anchors and merge keys', () => {
    const content = `${configMap('a')}  labels: &labels\n    app: web\ndata:\n  <<: *labels\n  extra: x\n`;
    const [object] = render([{ path: 'apps/web/a.yaml', content }]).objects;
    expect(object?.object['data']).toEqual({ app: 'web', extra: 'x' });
  });

  it('stops alias bombs with a clear error', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    expect(renderErrors([{ path: 'apps/web/bomb.yaml', content: bomb }])).toEqual([
      expect.objectContaining({ code: 'MANIFEST_TOO_LARGE', line: 1, message: expect.stringContaining('alias') }),
    ]);
  });

  it('refuses YAML aliases that form a cycle, and gives objects that share aliased nodes their own copies', () => {
    expect(renderErrors([{ path: 'apps/web/loop.yaml', content: 'a: &a\n  apiVersion: v1\n  self: *a\n' }])).toEqual([
      expect.objectContaining({ code: 'INVALID_MANIFEST', line: 1, message: expect.stringContaining('a cycle') }),
    ]);
    const shared = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: &m {name: shared}}',
      '  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: *m}',
      '',
    ].join('\n');
    const objects = render([{ path: 'apps/web/rbac.yaml', content: shared }]).objects;
    expect(objects.map((o) => o.object.metadata)).toEqual([{ name: 'shared', namespace: 'web' }, { name: 'shared' }]);
  });

  it('refuses files nested deeper than maxDepth before parsing them', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {x: ${'['.repeat(2000)}${']'.repeat(2000)}}\n`;
    expect(renderErrors([{ path: 'apps/web/deep.yaml', content: deep }])).toEqual([
      expect.objectContaining({ code: 'MANIFEST_TOO_LARGE', line: 0, message: 'file nests 2002 levels deep, over the limit of 256 (maxDepth); is this an attack on the parser?' }),
    ]);
    expect(ids([{ path: 'apps/web/ok.yaml', content: configMap('ok', `data:\n  x: '${'['.repeat(2000)}'\n`) }])).toEqual(['ConfigMap/web/ok']);
  });

  it('refuses files over maxFileBytes, counting UTF-8 bytes', () => {
    const content = configMap('big', `data:\n  text: "${'é'.repeat(600)}"\n`);
    expect(renderErrors([{ path: 'apps/web/big.yaml', content }], { maxFileBytes: 1024 })).toEqual([
      expect.objectContaining({ code: 'MANIFEST_TOO_LARGE', file: 'apps/web/big.yaml', message: expect.stringContaining('over the limit of 1024') }),
    ]);
  });

  it('collects the errors of every file into one RENDER_FAILED naming the first ones', () => {
    const files = [
      { path: 'apps/web/a.yaml', content: 'kind: ConfigMap\nmetadata: {name: a}\n' },
      { path: 'apps/web/b.yaml', content: configMap('b', 'data: {x: ${cluster.labels.missing}}\n') },
      { path: 'apps/web/c.yaml', content: configMap('fine') },
    ];
    expect(() => render(files)).toThrow(
      'manifests under "apps/web" failed to render with 2 errors: apps/web/a.yaml:1: ConfigMap/a: apiVersion is missing; apps/web/b.yaml:5: variable "cluster.labels.missing" is not defined',
    );
    const errors = renderErrors(files);
    expect(errors.map((e) => e.file)).toEqual(['apps/web/a.yaml', 'apps/web/b.yaml']);
  });

  it('lists at most maxErrors errors and counts the rest', () => {
    const content = Array.from({ length: 5 }, () => 'apiVersion: v1\nkind: X\n').join('---\n');
    try {
      render([{ path: 'apps/web/x.yaml', content }], { maxErrors: 2 });
    } catch (error) {
      expect((error as FlotillaError).data).toMatchObject({ omittedErrors: 3, errors: [expect.anything(), expect.anything()] });
    }
    expect.assertions(1);
  });

  it('fails when the app path has no files at all, rather than pruning everything', () => {
    expect(renderErrors([{ path: 'apps/api/a.yaml', content: configMap('a') }])).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', message: 'path "apps/web" has no files in this revision' }),
    ]);
  });

  it('returns no objects when the app path holds files but no manifests', () => {
    expect(render([{ path: 'apps/web/README.md', content: 'hi' }]).objects).toEqual([]);
  });

  it('refuses an app path that leaves the repository, and invalid variable names', () => {
    expect(() => render([], { appPath: 'apps/../..' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => render([], { variables: { 'not valid': 'x' } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('renderManifests with a CRD in the same revision', () => {
  it('gives its namespaced custom resources the default namespace, and leaves cluster-scoped ones without', () => {
    const crdYaml = (kind: string, scope: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${kind.toLowerCase()}s.example.com\nspec:\n  group: example.com\n  scope: ${scope}\n  names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }\n  versions: [{ name: v1, served: true, storage: true }]\n`;
    const { objects } = renderManifests(
      [
        { path: 'app/crds.yaml', content: `${crdYaml('Widget', 'Namespaced')}---\n${crdYaml('Fleet', 'Cluster')}` },
        { path: 'app/a-widget.yaml', content: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' },
        { path: 'app/b-fleet.yaml', content: 'apiVersion: example.com/v1\nkind: Fleet\nmetadata:\n  name: f\n' },
      ],
      { appPath: 'app', defaultNamespace: 'web', isNamespaced: () => undefined },
    );
    expect(objects.map((o) => [o.ref.kind, o.ref.namespace])).toEqual([
      ['Widget', 'web'],
      ['Fleet', ''],
      ['CustomResourceDefinition', ''],
      ['CustomResourceDefinition', ''],
    ]);
  });
});

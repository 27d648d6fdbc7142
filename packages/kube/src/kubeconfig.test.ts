import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTo } from './cluster-connection.js';
import { parseKubeconfig, selectContext, withContext, type Kubeconfig } from './kubeconfig.js';
import { loadKubeconfigFile } from './load-kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The entries client-node's KubeConfig reads from the same file, without its null and undefined fields. */
function clientNodeReading(path: string): Omit<Kubeconfig, 'path'> {
  const reference = new KubeConfig();
  reference.loadFromFile(path);
  const defined = <T extends object>(entry: T): T => Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== null && v !== undefined)) as T;
  return {
    clusters: reference.getClusters().map((c) => defined({ ...c })),
    users: reference.getUsers().map((u) => defined({ ...u })),
    contexts: reference.getContexts().map((c) => defined({ ...c })),
    // Ours is '' when the file sets none.
    currentContext: reference.getCurrentContext() ?? '',
  };
}

/** Ours, with skipTLSVerify spelled out as client-node always does. */
function ourReading(path: string): Omit<Kubeconfig, 'path'> {
  const { path: _path, ...kubeconfig } = loadKubeconfigFile(path);
  return { ...kubeconfig, clusters: kubeconfig.clusters.map((c) => ({ ...c, skipTLSVerify: c.skipTLSVerify ?? false })) };
}

const SHAPES: Record<string, string> = {
  'a bearer token and an inline CA': `
apiVersion: v1
kind: Config
clusters:
- name: plane
  cluster: { server: 'https://127.0.0.1:6443', certificate-authority-data: Q0EK }
users:
- name: admin
  user: { token: abc123 }
contexts:
- name: admin@plane
  context: { cluster: plane, user: admin }
current-context: admin@plane
`,
  'relative and absolute certificate files': `
clusters:
- name: c
  cluster: { server: 'https://kube.example:443/', certificate-authority: ca.crt }
users:
- name: u
  user: { client-certificate: ../certs/client.crt, client-key: /etc/keys/client.key }
contexts:
- name: x
  context: { cluster: c, user: u, namespace: web }
current-context: x
`,
  'inline client certificate, skipped verification and a TLS server name': `
clusters:
- name: c
  cluster: { server: 'https://10.0.0.1', insecure-skip-tls-verify: true, tls-server-name: kubernetes.default }
users:
- name: u
  user: { client-certificate-data: Q0VSVAo=, client-key-data: S0VZCg== }
contexts:
- name: x
  context: { cluster: c, user: u }
current-context: x
`,
  'basic auth and impersonation': `
clusters:
- name: c
  cluster: { server: 'http://127.0.0.1:8080' }
users:
- name: u
  user: { username: alice, password: s3cret, as: bob }
contexts:
- name: x
  context: { cluster: c, user: u }
current-context: x
`,
  'an exec plugin and an auth provider': `
clusters:
- name: c
  cluster: { server: 'https://eks.example', proxy-url: 'http://proxy.example:3128' }
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env: [{ name: AWS_PROFILE, value: prod }]
- name: oidc
  user:
    auth-provider: { name: oidc, config: { client-id: flotilla, idp-issuer-url: 'https://issuer.example' } }
contexts:
- name: eks
  context: { cluster: c, user: eks }
- name: oidc
  context: { cluster: c, user: oidc }
current-context: oidc
`,
  'several contexts, one without a user, and no current context': `
clusters:
- { name: a, cluster: { server: 'https://a.example' } }
- { name: b, cluster: { server: 'https://b.example' } }
users:
- { name: anonymous }
- { name: t, user: { token: t0k } }
contexts:
- { name: a, context: { cluster: a } }
- { name: b, context: { cluster: b, user: t, namespace: ops } }
`,
  'no entries at all': `
apiVersion: v1
kind: Config
`,
};

describe('loadKubeconfigFile', () => {
  for (const [shape, text] of Object.entries(SHAPES)) {
    it(`reads ${shape} as client-node does`, () => {
      const path = join(dir, shape.replace(/\W+/g, '-'));
      writeFileSync(path, text);

      expect(ourReading(path)).toEqual(clientNodeReading(path));
    });
  }

  it('resolves relative files against the directory of the kubeconfig, as kubectl does', () => {
    const path = join(dir, 'relative');
    writeFileSync(path, SHAPES['relative and absolute certificate files'] as string);

    const kubeconfig = loadKubeconfigFile(path);

    expect(kubeconfig.clusters[0]?.caFile).toBe(join(dir, 'ca.crt'));
    expect(kubeconfig.users[0]).toMatchObject({ certFile: join(dir, '..', 'certs', 'client.crt'), keyFile: '/etc/keys/client.key' });
  });

  it("reads kubectl's tokenFile, relative to the kubeconfig too (client-node only knows a token-file it reads once)", () => {
    const kubeconfig = parseKubeconfig(
      { clusters: [{ name: 'c', cluster: { server: 'https://c' } }], users: [{ name: 'u', user: { tokenFile: 'token' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }] },
      { path: '/etc/flotilla/kubeconfig' },
    );

    expect(kubeconfig.users[0]).toEqual({ name: 'u', tokenFile: '/etc/flotilla/token' });
  });

  it('selects the current context, or another one asked for', () => {
    const kubeconfig = parseKubeconfig(SHAPES['several contexts, one without a user, and no current context'] as string);

    expect(selectContext(withContext(kubeconfig, 'b'))).toEqual({
      context: { name: 'b', cluster: 'b', user: 't', namespace: 'ops' },
      cluster: { name: 'b', server: 'https://b.example' },
      user: { name: 't', token: 't0k' },
    });
    expect(selectContext(withContext(kubeconfig, 'a')).user).toEqual({ name: '' });
  });
});

describe('kubeconfig errors', () => {
  const failureOf = (action: () => unknown): { message: string; code: string; data: unknown } => {
    try {
      action();
    } catch (error) {
      const { message, code, data } = error as { message: string; code: string; data: unknown };
      return { message, code, data };
    }
    throw new Error('expected a failure');
  };
  const path = '/home/me/.kube/config';

  it('names the file and the entry that is missing or of the wrong type', () => {
    expect(failureOf(() => parseKubeconfig('clusters:\n- name: c\n  cluster: { insecure-skip-tls-verify: true }\n', { path }))).toEqual({
      message: 'kubeconfig /home/me/.kube/config: clusters[0].cluster.server is missing',
      code: 'INVALID_ARGUMENT',
      data: { kubeconfig: path, entry: 'clusters[0].cluster.server' },
    });
    expect(failureOf(() => parseKubeconfig('users:\n- user: { token: t }\n', { path })).message).toBe('kubeconfig /home/me/.kube/config: users[0].name is missing');
    expect(failureOf(() => parseKubeconfig('users:\n- name: u\n  user: { token: 42 }\n', { path })).message).toBe('kubeconfig /home/me/.kube/config: users[0].user.token must be a string');
    expect(failureOf(() => parseKubeconfig('contexts: { a: b }\n', { path })).message).toBe('kubeconfig /home/me/.kube/config: contexts must be a list');
    expect(failureOf(() => parseKubeconfig('clusters: [\n', { path })).message).toMatch(/^kubeconfig \/home\/me\/.kube\/config is not valid YAML: /);
    expect(failureOf(() => parseKubeconfig({ contexts: [{ name: 'x' }] })).message).toBe('the kubeconfig: contexts[0].context is missing');
  });

  it('names a current context, cluster or user that does not exist', () => {
    const base = { clusters: [{ name: 'c', cluster: { server: 'https://c' } }], users: [{ name: 'u', user: { token: 't' } }] };
    const select = (document: object): string => failureOf(() => selectContext(parseKubeconfig(document, { path }))).message;

    expect(select(base)).toBe('kubeconfig /home/me/.kube/config has no current-context');
    expect(select({ ...base, 'current-context': 'prod' })).toBe('kubeconfig /home/me/.kube/config: current-context "prod" is not among its contexts');
    expect(select({ ...base, contexts: [{ name: 'x', context: { cluster: 'gone', user: 'u' } }], 'current-context': 'x' })).toBe(
      'kubeconfig /home/me/.kube/config: context "x" names cluster "gone", which is not among its clusters',
    );
    expect(select({ ...base, contexts: [{ name: 'x', context: { cluster: 'c', user: 'gone' } }], 'current-context': 'x' })).toBe(
      'kubeconfig /home/me/.kube/config: context "x" names user "gone", which is not among its users',
    );
    expect(failureOf(() => withContext(parseKubeconfig(base, { path }), 'staging')).message).toBe('kubeconfig /home/me/.kube/config has no context "staging"');
  });

  it('refuses settings the client cannot honour, and files it cannot read, when a client connects', () => {
    const oneContext = (cluster: object, user: object): Kubeconfig =>
      parseKubeconfig({ clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }, { path });

    expect(failureOf(() => connectTo(oneContext({ server: 'https://c', 'proxy-url': 'http://proxy:3128' }, {}))).message).toBe(
      'kubeconfig /home/me/.kube/config: clusters[c].cluster.proxy-url is not supported: reach the API server directly',
    );
    expect(failureOf(() => connectTo(oneContext({ server: 'https://c', 'certificate-authority': 'missing-ca.crt' }, {})))).toMatchObject({
      message: expect.stringMatching(/^kubeconfig \/home\/me\/.kube\/config: clusters\[c\].cluster.certificate-authority cannot be read: ENOENT/),
      data: { kubeconfig: path, entry: 'clusters[c].cluster.certificate-authority' },
    });
    expect(failureOf(() => connectTo(oneContext({ server: 'https://c' }, { 'client-certificate-data': 'Q0VSVAo=' }))).message).toBe(
      'kubeconfig /home/me/.kube/config: users[u].user needs both client-certificate and client-key, or neither',
    );
    expect(failureOf(() => connectTo(oneContext({ server: 'ftp://c' }, {}))).message).toBe('kubeconfig /home/me/.kube/config: clusters[c].cluster.server must be an https:// URL: ftp://c');
  });
});

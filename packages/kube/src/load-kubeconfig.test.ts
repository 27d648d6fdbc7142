import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadDefaultKubeconfig, loadInClusterKubeconfig } from './load-kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-load-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** A service account mount as the kubelet makes it: token, ca.crt, namespace. */
function serviceAccountDir(name: string, files: Record<string, string> = { token: 'sa-token\n', 'ca.crt': 'CA', namespace: 'flotilla-system' }): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
  return path;
}

function kubeconfigFile(name: string, currentContext: string | undefined, server: string): string {
  const path = join(dir, name);
  const current = currentContext ? `current-context: ${currentContext}\n` : '';
  writeFileSync(path, `clusters:\n- { name: c, cluster: { server: '${server}' } }\ncontexts:\n- { name: ${name}, context: { cluster: c } }\n${current}`);
  return path;
}

describe('loadInClusterKubeconfig', () => {
  it('reaches the service host with the mounted CA and token file, as client-node does', () => {
    const saDir = serviceAccountDir('sa');
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    vi.stubEnv('KUBERNETES_SERVICE_HOST', env.KUBERNETES_SERVICE_HOST);
    vi.stubEnv('KUBERNETES_SERVICE_PORT', env.KUBERNETES_SERVICE_PORT);
    // client-node reads the same variables from process.env (its file paths are fixed, so only the server compares).
    const reference = new KubeConfig();
    reference.loadFromCluster();

    const kubeconfig = loadInClusterKubeconfig({ env, serviceAccountDir: saDir });

    expect(kubeconfig.clusters).toEqual([{ name: 'inCluster', server: 'https://10.96.0.1:443', caFile: join(saDir, 'ca.crt') }]);
    expect(kubeconfig.users).toEqual([{ name: 'inClusterUser', tokenFile: join(saDir, 'token') }]);
    expect(kubeconfig.contexts).toEqual([{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace: 'flotilla-system' }]);
    expect(reference.getCurrentCluster()?.server).toBe(kubeconfig.clusters[0]?.server);
  });

  it('puts an IPv6 service host in brackets', () => {
    const env = { KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '443' };

    expect(loadInClusterKubeconfig({ env, serviceAccountDir: serviceAccountDir('sa6') }).clusters[0]?.server).toBe('https://[fd00:10:96::1]:443');
  });

  it('says why it is not in a cluster', () => {
    const saDir = serviceAccountDir('no-token', { 'ca.crt': 'CA' });

    expect(() => loadInClusterKubeconfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, serviceAccountDir: saDir })).toThrow(
      'not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set',
    );
    expect(() => loadInClusterKubeconfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: saDir })).toThrow(
      `not in a cluster: no service account token at ${join(saDir, 'token')}`,
    );
  });
});

describe('loadDefaultKubeconfig', () => {
  const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('prefers the explicit file, then KUBECONFIG, then the service account, then ~/.kube/config', () => {
    const explicit = kubeconfigFile('explicit', 'explicit', 'https://explicit');
    const listed = kubeconfigFile('listed', 'listed', 'https://listed');
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), `clusters:\n- { name: c, cluster: { server: 'https://home' } }\ncontexts:\n- { name: h, context: { cluster: c } }\ncurrent-context: h\n`);
    const saDir = serviceAccountDir('sa-order');
    const serverOf = (options: Parameters<typeof loadDefaultKubeconfig>[0]): string | undefined => loadDefaultKubeconfig({ serviceAccountDir: saDir, ...options }).clusters[0]?.server;

    expect(serverOf({ file: explicit, env: { KUBECONFIG: listed, ...inCluster, HOME: home } })).toBe('https://explicit');
    expect(serverOf({ env: { KUBECONFIG: listed, ...inCluster, HOME: home } })).toBe('https://listed');
    expect(serverOf({ env: { ...inCluster, HOME: home } })).toBe('https://10.96.0.1:443');
    expect(serverOf({ env: { HOME: home } })).toBe('https://home');
    expect(() => loadDefaultKubeconfig({ env: {} })).toThrow('no kubeconfig: set KUBECONFIG or HOME, or run in a pod with a service account');
  });

  it('merges a KUBECONFIG list as kubectl does: the first file to name an entry or a current context wins', () => {
    const first = kubeconfigFile('first', undefined, 'https://first');
    const second = kubeconfigFile('second', 'second', 'https://second');

    const kubeconfig = loadDefaultKubeconfig({ env: { KUBECONFIG: [first, '', second].join(delimiter) } });

    expect(kubeconfig.clusters).toEqual([{ name: 'c', server: 'https://first' }]);
    expect(kubeconfig.contexts.map((c) => c.name)).toEqual(['first', 'second']);
    expect(kubeconfig.currentContext).toBe('second');
  });

  it('switches to the context asked for, and names the file when it is unreadable', () => {
    const path = kubeconfigFile('switch', 'switch', 'https://switch');

    expect(() => loadDefaultKubeconfig({ file: path, env: {}, context: 'other' })).toThrow(`kubeconfig ${path} has no context "other"`);
    expect(() => loadDefaultKubeconfig({ file: join(dir, 'absent'), env: {} })).toThrow(`cannot read kubeconfig ${join(dir, 'absent')}: ENOENT`);
  });
});

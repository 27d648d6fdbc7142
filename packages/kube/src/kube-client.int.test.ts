import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestCertificates, startControlPlane, type ControlPlane, type TestCertificates } from '@flotilla/testenv';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from './kube-api-error.js';
import { KubeClient } from './kube-client.js';
import { type Kubeconfig } from './kubeconfig.js';
import { loadKubeconfigFile } from './load-kubeconfig.js';
import { mapApiError } from './map-api-error.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

interface SelfSubjectReview {
  status: { userInfo: { username: string; groups?: string[] } };
}

describe('KubeClient', () => {
  let plane: ControlPlane;
  let certificates: TestCertificates;
  const clients: KubeClient[] = [];

  /** A client of a kubeconfig file written next to the test certificates, so relative paths resolve against that directory. */
  const clientOfFile = async (name: string, user: Record<string, unknown>): Promise<KubeClient> => {
    const path = join(certificates.dir, `${name}.kubeconfig`);
    await writeFile(path, stringify({
      clusters: [{ name: 'plane', cluster: { server: plane.server, 'certificate-authority': plane.caCertPath } }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: 'plane', user: name } }],
      'current-context': name,
    }));
    return clientOf(loadKubeconfigFile(path));
  };
  const clientOf = (kubeConfig: Kubeconfig, requestTimeoutMs?: number): KubeClient => {
    const client = new KubeClient({ kubeConfig, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    clients.push(client);
    return client;
  };
  /** Who the API server says the client is. */
  const whoIs = async (client: KubeClient): Promise<SelfSubjectReview['status']['userInfo']> =>
    (await client.request<SelfSubjectReview>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    })).status.userInfo;

  beforeAll(async () => {
    certificates = await createTestCertificates({ clientName: 'flotilla-cert-user' });
    plane = await startControlPlane({ name: 'kube-client', k8sCacheDir, clientCaFile: certificates.ca.certPath });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await plane?.stop();
    await certificates?.remove();
  });

  it('authenticates with a bearer token', async () => {
    expect(await whoIs(clientOf(plane.kubeConfig('admin')))).toMatchObject({ username: 'admin', groups: expect.arrayContaining(['system:masters']) });
  });

  it('authenticates with a client certificate and key given as files relative to the kubeconfig', async () => {
    const client = await clientOfFile('cert-user', { 'client-certificate': 'client.crt', 'client-key': 'client.key' });

    expect((await whoIs(client)).username).toBe('flotilla-cert-user');
  });

  it('authenticates with a token file, and with the token an exec plugin prints', async () => {
    await writeFile(join(certificates.dir, 'user-token'), `${plane.userToken}\n`);
    const plugin = join(certificates.dir, 'credential-plugin.sh');
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: plane.adminToken } };
    await writeFile(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`);
    await chmod(plugin, 0o755);

    const fromFile = await clientOfFile('file-user', { tokenFile: 'user-token' });
    const fromPlugin = await clientOfFile('exec-user', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } });

    expect((await whoIs(fromFile)).username).toBe(plane.userName);
    expect((await whoIs(fromPlugin)).username).toBe('admin');
  });

  it('rejects a refused request with KubeApiError carrying the status, the Status body and the headers', async () => {
    const error = await clientOf(plane.kubeConfig('user'))
      .request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ code: 403, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse((error as KubeApiError).body)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(mapApiError(error, { object: 'ConfigMap/default/x', verb: 'list' }).message).toBe(
      `ConfigMap/default/x list failed: configmaps is forbidden: User "${plane.userName}" cannot list resource "configmaps" in API group "" in the namespace "default"`,
    );
  });

  it('gives up on a request after its timeout, and when its signal aborts', async () => {
    const watchAll = { method: 'GET', path: '/api/v1/namespaces', query: { watch: '1' } } as const;

    await expect(clientOf(plane.kubeConfig(), 300).request(watchAll)).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(clientOf(plane.kubeConfig()).request({ ...watchAll, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends many requests at once on one signal without Node warning of a listener leak', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = clientOf(plane.kubeConfig());
      const { signal } = new AbortController();
      await Promise.all(Array.from({ length: 40 }, () => client.request({ method: 'GET', path: '/api/v1/namespaces/default', signal })));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('sends and receives JSON, and answers 201 when server-side apply created the object', async () => {
    const client = clientOf(plane.kubeConfig());
    const name = `kube-client-${Date.now()}`;
    const apply = () =>
      client.send<{ metadata: { name: string } }>({
        method: 'PATCH',
        path: `/api/v1/namespaces/${name}`,
        query: { fieldManager: 'test', force: 'true' },
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        contentType: 'application/apply-patch+yaml',
      });

    expect(await apply()).toMatchObject({ status: 201, body: { metadata: { name } } });
    expect((await apply()).status).toBe(200);
  });
});

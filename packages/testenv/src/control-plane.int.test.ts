import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  VersionApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, startControlPlanes, type ControlPlane } from './control-plane.js';

// The test file is an entry point, so it may read env; the library only takes options.
const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

describe('control plane', () => {
  let planes: ControlPlane[] = [];
  const plane = (index: 0 | 1): ControlPlane => {
    const found = planes[index];
    if (!found) throw new Error(`control plane ${index} did not start`);
    return found;
  };

  /** A client-node configuration read from the kubeconfig file the plane wrote, as kubectl would read it. */
  const kubeConfigOf = (started: ControlPlane, identity: 'admin' | 'user' = 'admin'): KubeConfig => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(identity === 'admin' ? started.kubeconfigPath : started.userKubeconfigPath);
    return kubeConfig;
  };

  beforeAll(async () => {
    planes = await startControlPlanes(2, { name: 'int', k8sCacheDir });
  });

  afterAll(async () => {
    await Promise.all(planes.map((started) => started.stop()));
  });

  it('reports the built Kubernetes version on /version', async () => {
    const version = await kubeConfigOf(plane(0)).makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.36.3');
    expect(plane(0).version).toBe('v1.36.3');
  });

  it('creates a namespace, a CustomResourceDefinition and a custom resource of it', async () => {
    const kubeConfig = kubeConfigOf(plane(0));
    const namespace = uniqueName('crd');
    await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });

    const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({ body: widgetDefinition });
    await waitUntil(async () => isEstablished(await extensions.readCustomResourceDefinition({ name: 'widgets.test.flotilla.dev' })));

    const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    const widget = { group: 'test.flotilla.dev', version: 'v1', plural: 'widgets', namespace };
    await customObjects.createNamespacedCustomObject({
      ...widget,
      body: { apiVersion: 'test.flotilla.dev/v1', kind: 'Widget', metadata: { name: 'first' }, spec: { size: 3 } },
    });
    const stored: { spec?: { size?: number } } = await customObjects.getNamespacedCustomObject({ ...widget, name: 'first' });
    expect(stored.spec?.size).toBe(3);
  });

  it('refuses the non-admin user a cluster-scoped write with 403 (RBAC)', async () => {
    const userClient = kubeConfigOf(plane(0), 'user').makeApiClient(CoreV1Api);
    const attempt = userClient.createNamespace({ body: { metadata: { name: uniqueName('denied') } } });
    await expect(attempt).rejects.toMatchObject({ code: 403 });
    await expect(attempt).rejects.toThrow(plane(0).userName);
  });

  it('keeps two planes started together independent', async () => {
    const name = uniqueName('only-in-first');
    await kubeConfigOf(plane(0)).makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });

    expect(plane(0).server).not.toBe(plane(1).server);
    await expect(kubeConfigOf(plane(1)).makeApiClient(CoreV1Api).readNamespace({ name })).rejects.toMatchObject({ code: 404 });
  });
});

describe('control plane lifecycle', () => {
  it('stop() leaves no process running and removes the temp dir', async () => {
    const stopped = await startControlPlane({ name: 'stop', k8sCacheDir });
    expect(stopped.processes.every(({ pid }) => isAlive(pid))).toBe(true);

    await stopped.stop();
    await stopped.stop(); // idempotent

    expect(stopped.processes.filter(({ pid }) => isAlive(pid))).toEqual([]);
    expect(existsSync(stopped.dir)).toBe(false);
    // The watchdog shells mention the dir too; they leave as soon as their server is reported gone.
    await waitUntil(() => processesMentioning(stopped.dir).length === 0, 5_000);
  });

  it('leaves no etcd or kube-apiserver behind when its Node parent is killed with SIGKILL', async () => {
    const child = spawn(
      process.execPath,
      ['--import', fileURLToPath(new URL('../test-support/typescript-hooks.mjs', import.meta.url)), '--input-type=module', '-e', childScript()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before starting a plane:\n${stderr}`)));
    });
    const started = JSON.parse(firstLine) as { dir: string; pids: number[] };
    expect(started.pids.every(isAlive)).toBe(true);

    child.kill('SIGKILL');

    await waitUntil(() => processesMentioning(started.dir).length === 0, 5_000);
    expect(started.pids.filter(isAlive)).toEqual([]);
    await waitUntil(() => !existsSync(started.dir), 5_000);
  });
});

// Runs in a separate Node process so the test can SIGKILL it; it stays alive until killed.
function childScript(): string {
  const controlPlane = new URL('./control-plane.ts', import.meta.url).href;
  return `
    import { startControlPlane } from ${JSON.stringify(controlPlane)};
    const plane = await startControlPlane({ name: 'orphan', k8sCacheDir: process.env.FLOTILLA_K8S_CACHE });
    console.log(JSON.stringify({ dir: plane.dir, pids: plane.processes.map(({ pid }) => pid) }));
    setInterval(() => undefined, 60_000);
  `;
}

const widgetDefinition: V1CustomResourceDefinition = {
  metadata: { name: 'widgets.test.flotilla.dev' },
  spec: {
    group: 'test.flotilla.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
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

function isEstablished(definition: V1CustomResourceDefinition): boolean {
  return definition.status?.conditions?.some(({ type, status }) => type === 'Established' && status === 'True') ?? false;
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A zombie (exited, not yet reaped by its new parent) holds no resources, so it does not count as alive.
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// Every live process whose command line names `dir`: the servers (data and cert dirs) and their watchdogs.
function processesMentioning(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

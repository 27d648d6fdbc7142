import { CliError, runCli, shortRevision } from '@flotilla/cli';
import { CHECKOUT_NAMESPACE, CHECKOUT_OVERLAYS, type CheckoutOverlay } from './checkout-app.js';
import { DEMO_SOURCE, type DemoSession, isSyncedAt } from './demo-session.js';

/** An overlay as one cluster runs it, read back from its API server, with the artifact the hub made for it. */
interface LiveOverlay {
  cluster: string;
  ready: number;
  replicas: number;
  settings: Record<string, string>;
  hasDisruptionBudget: boolean;
  digest: string;
}

/**
 * Step: the Kustomize app. One App per environment takes that environment's overlay to its clusters; the hub builds
 * each overlay with kustomize once per revision into an artifact, and each cluster shows its overlay's values.
 */
export async function showKustomizeApp(session: DemoSession, revision: string): Promise<void> {
  const { narrator, api } = session;
  await narrator.step(
    'A Kustomize app, one overlay per environment',
    'apps/checkout is laid out as Kustomize repositories usually are: a base (a Namespace, a Deployment and a ConfigMap generated from literals), a component "high-availability" (a PodDisruptionBudget), and an overlay per environment that sets the replicas and the settings and adds the component in staging and prod. One App per environment takes its overlay to the clusters labelled with it. The hub runs the real kustomize on each overlay once per revision and keeps the output as an artifact named by its sha256; the agents download their artifact and apply it like any other.',
  );
  const apps = CHECKOUT_OVERLAYS.map((overlay) => overlay.app);
  for (const overlay of CHECKOUT_OVERLAYS) {
    await api.createApp({
      name: overlay.app,
      source: DEMO_SOURCE,
      path: overlay.path,
      targets: { selector: { matchLabels: { env: overlay.env } } },
      policy: { health: { timeoutSeconds: 20 } },
    });
    narrator.command(`flotilla apps create ${overlay.app.padEnd(16)} --source ${DEMO_SOURCE} --path ${overlay.path.padEnd(29)} --selector env=${overlay.env}`);
  }
  await session.waitForApps(`${apps.join(', ')} to sync`, apps, CHECKOUT_OVERLAYS.length, isSyncedAt(revision)).catch(async (error: unknown) => {
    throw (await renderFailure(session, apps)) ?? error;
  });
  narrator.ok(`${apps.join(', ')} run ${shortRevision(revision)}, each on the cluster of its environment`);

  const live = await Promise.all(CHECKOUT_OVERLAYS.map((overlay) => readOverlay(session, overlay)));
  const prod = live[live.length - 1] as LiveOverlay;
  const prodApp = CHECKOUT_OVERLAYS[CHECKOUT_OVERLAYS.length - 1] as CheckoutOverlay;
  narrator.command(`flotilla apps manifests ${prodApp.app} --cluster ${prod.cluster}`);
  narrator.block(await cliOutput(session, ['apps', 'manifests', prodApp.app, '--cluster', prod.cluster]));
  await narrator.pause();

  narrator.say('Each environment got its overlay (read back from its cluster) and an artifact of its own:');
  CHECKOUT_OVERLAYS.forEach((overlay, i) => {
    const { cluster, ready, replicas, settings, hasDisruptionBudget, digest } = live[i] as LiveOverlay;
    const values = `LOG_LEVEL=${(settings['LOG_LEVEL'] ?? '?').padEnd(5)}  PAYMENTS=${(settings['PAYMENTS'] ?? '?').padEnd(7)}`;
    narrator.say(
      `  ${cluster.padEnd(10)} ${overlay.app.padEnd(16)} ready ${ready}/${replicas}  ${values}  ${(hasDisruptionBudget ? 'PodDisruptionBudget' : '-').padEnd(19)}  artifact ${digest.slice(0, 19)}`,
    );
  });
  const digests = new Set(live.map((overlay) => overlay.digest));
  narrator.ok(`${CHECKOUT_OVERLAYS.length} overlays, ${digests.size} artifacts, each named by the sha256 of its objects: one kustomize build per overlay and revision, whatever the number of clusters`);
  await narrator.pause();
}

/** Reads the overlay's Deployment, generated ConfigMap and PodDisruptionBudget from its cluster, and its artifact from the hub. */
async function readOverlay(session: DemoSession, overlay: CheckoutOverlay): Promise<LiveOverlay> {
  const cluster = session.view.rows({ app: overlay.app })[0]?.cluster;
  if (!cluster) throw new CliError('FAILED', `app ${overlay.app} has no cluster (selector env=${overlay.env})`);
  type Deployment = {
    spec: { replicas?: number; template: { spec: { containers: Array<{ envFrom?: Array<{ configMapRef?: { name: string } }> }> } } };
    status?: { readyReplicas?: number };
  };
  const deployment = await session.readLive(cluster, `/apis/apps/v1/namespaces/${CHECKOUT_NAMESPACE}/deployments/checkout`, (o) => o as Deployment);
  // The generated ConfigMap's name carries a hash of its content: the Deployment names the one it uses.
  const configMap = deployment?.spec.template.spec.containers[0]?.envFrom?.[0]?.configMapRef?.name;
  const settings = configMap
    ? await session.readLive(cluster, `/api/v1/namespaces/${CHECKOUT_NAMESPACE}/configmaps/${configMap}`, (o) => (o.data ?? {}) as Record<string, string>)
    : undefined;
  const budget = await session.readLive(cluster, `/apis/policy/v1/namespaces/${CHECKOUT_NAMESPACE}/poddisruptionbudgets/checkout`, () => true);
  const manifests = await session.api.getAppManifests(overlay.app, { cluster });
  return {
    cluster,
    ready: deployment?.status?.readyReplicas ?? 0,
    replicas: deployment?.spec.replicas ?? 0,
    settings: settings ?? {},
    hasDisruptionBudget: budget === true,
    digest: manifests.artifact.digest,
  };
}

/** What the CLI prints for `args`, run in this process against the demo's hub. */
async function cliOutput(session: DemoSession, args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['--hub', session.fleet.hub.httpUrl, '--token', session.fleet.adminToken, '--no-color', ...args], {
    env: {},
    stdout: { isTTY: false, write: (chunk: string) => void (stdout += chunk) },
    stderr: { isTTY: false, write: (chunk: string) => void (stderr += chunk) },
  });
  if (status !== 0) throw new CliError('FAILED', `flotilla ${args.join(' ')} failed (exit ${status}): ${stderr.trim()}`);
  return stdout.trimEnd();
}

/** A clear error when an app's latest revision failed to render on the hub (kustomize's own message), else undefined. */
async function renderFailure(session: DemoSession, apps: readonly string[]): Promise<CliError | undefined> {
  for (const app of apps) {
    const status = (await session.api.getApp(app).catch(() => undefined))?.renderStatus;
    if (status?.state === 'RenderFailed') {
      return new CliError('FAILED', `the hub could not render app ${app} (${status.renderer ?? 'renderer'}${status.file ? `, ${status.file}` : ''}): ${status.message ?? 'no message'}`);
    }
  }
  return undefined;
}

import { readFileSync } from 'node:fs';
import { InventoryStore, KubeClient, loadDefaultKubeconfig, ResourceManager, type Kubeconfig } from '@flotilla/kube';
import { pino, type Logger } from 'pino';
import type { ArtifactRef } from './assignment/agent-assignment.js';
import type { ReconcileReport } from './assignment/reconcile-report.js';
import type { AgentConfig } from './config/agent-config.js';
import { DriftMonitor } from './drift/drift-monitor.js';
import { AgentIdentity } from './identity/agent-identity.js';
import { hubChannel } from './identity/channel-credentials.js';
import { CredentialStore } from './identity/credential-store.js';
import { AgentMetrics } from './metrics/agent-metrics.js';
import { startMetricsServer } from './metrics/metrics-server.js';
import { Reconciler } from './reconciler/reconciler.js';
import { AutoRollback } from './rollback/auto-rollback.js';
import { RollbackStore } from './rollback/rollback-store.js';
import { routeHubMessage } from './route-hub-message.js';
import { ArtifactStore } from './state/artifact-store.js';
import { AssignmentStore } from './state/assignment-store.js';
import { OutboxStore } from './state/outbox-store.js';
import { ensureStateNamespace } from './state/state-namespace.js';
import { AGENT_VERSION } from './version.js';
import { HubConnection } from './wire/hub-connection.js';
import { joinHub } from './wire/join-hub.js';

/** A running agent. */
export interface Agent {
  reconciler: Reconciler;
  connection: HubConnection;
  drift: DriftMonitor;
  logger: Logger;
  /** URL of /metrics; undefined when disabled (metrics port 0). */
  metricsUrl: string | undefined;
  stop(): Promise<void>;
}

/** Extra wiring for embedding the agent (tests, the demo): a ready kubeconfig instead of a file. */
export interface AgentOverrides {
  kubeConfig?: Kubeconfig;
  logger?: Logger;
  /** First retry delay after a transient failure. */
  retryDelayMs?: number;
}

/** Fields that hold secrets, wherever they appear in a log object: censored as a second line of defence. */
const REDACTED_PATHS = ['password', 'credentials', 'credential', 'token', 'authorization'].flatMap((field) => [field, `*.${field}`]);

/** Loads a kubeconfig: the given file, else `KUBECONFIG`, else the in-cluster service account, else `~/.kube/config`. */
export function loadKubeConfig(file: string | undefined): Kubeconfig {
  return loadDefaultKubeconfig({ file, env: process.env });
}

/** Wires the agent from its configuration and starts it: resume stored assignments, then dial the hub. */
export async function startAgent(config: AgentConfig, overrides: AgentOverrides = {}): Promise<Agent> {
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { component: 'agent', cluster: config.cluster }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
  const configuredToken = config.token ?? readFileSync(config.tokenFile as string, 'utf8').trim();
  const channel = hubChannel(config);
  if (channel.security === 'plaintext') logger.warn('talking to the hub in plaintext (FLOTILLA_INSECURE): credentials travel in clear');
  const kubeConfig = overrides.kubeConfig ?? loadKubeConfig(config.kubeconfig);
  const client = new KubeClient({ kubeConfig });
  const manager = new ResourceManager({ client, concurrency: config.applyConcurrency });
  const inventories = new InventoryStore({ client, namespace: config.stateNamespace });
  const store = new AssignmentStore(client, config.stateNamespace);
  const rollbacks = new RollbackStore(client, config.stateNamespace);
  const artifacts = { store: new ArtifactStore(client, config.stateNamespace), fetch: (ref: ArtifactRef, signal: AbortSignal) => connection.fetchArtifact(ref, signal) };
  const identity = new AgentIdentity({
    store: new CredentialStore(client, config.stateNamespace),
    configuredToken,
    join: (joinToken) => joinHub({ address: config.hubAddress, channel, joinToken, cluster: config.cluster, agentVersion: AGENT_VERSION }),
    logger,
  });
  const kubernetesVersion = await client
    .request<{ gitVersion?: string }>({ method: 'GET', path: '/version' })
    .then((v) => v.gitVersion ?? '')
    .catch(() => '');

  const lastReports = new Map<string, ReconcileReport>();
  const metrics: AgentMetrics = new AgentMetrics({ isConnected: () => connection.isConnected, pending: () => connection.pending, dropped: () => connection.dropped, apps: (): number => reconciler.states().length });
  // Handlers run only after start(), when the reconciler below exists.
  const connection: HubConnection = new HubConnection({
    address: config.hubAddress,
    channelCredentials: channel.credentials,
    channelOptions: channel.options,
    logger,
    outboxLimit: config.outboxLimit,
    outboxStorage: new OutboxStore(client, config.stateNamespace),
    reconnectBackoffMaxMs: config.reconnectBackoffMaxMs,
    handlers: {
      hello: () => ({
        cluster: config.cluster,
        agentVersion: AGENT_VERSION,
        kubernetesVersion,
        assignments: reconciler.states(),
        capabilities: ['rollback.v1'],
      }),
      // The hub may have missed reports sent as the last stream died: the latest of each App goes again (it drops repeats).
      onConnected: () => {
        for (const report of lastReports.values()) connection.send({ kind: 'status', report });
        drift.resend();
      },
      onMessage: (message) => routeHubMessage(message, { reconciler, drift, identity, connection, forgetLastReport: (app) => lastReports.delete(app) }),
    },
  });
  const drift = new DriftMonitor({
    manager,
    logger,
    defaults: { checkIntervalMs: config.driftCheckIntervalMs },
    report: (report) => connection.send({ kind: 'drift', report }),
  });
  const reconciler: Reconciler = new Reconciler({
    context: { manager, inventories, artifacts, logger, drift },
    store,
    logger,
    concurrency: config.concurrency,
    resyncIntervalMs: config.resyncIntervalMs,
    ...(overrides.retryDelayMs !== undefined ? { retryDelayMs: overrides.retryDelayMs } : {}),
    autoRollback: new AutoRollback({ store: rollbacks, logger }),
    sink: metrics.instrument({
      report: (report) => {
        lastReports.set(report.app, report);
        connection.send({ kind: 'status', report });
      },
      ack: (app, generation) => connection.send({ kind: 'ack', app, generation }),
    }),
  });
  // Bound before any work starts, so a port in use stops the agent at once.
  const metricsServer = config.metricsPort === 0 ? undefined : await startMetricsServer({ registry: metrics.registry, host: config.metricsHost, port: config.metricsPort });
  const stateNamespace = await ensureStateNamespace(client, config.stateNamespace);
  if (stateNamespace === 'created') logger.info({ stateNamespace: config.stateNamespace }, 'created the state namespace');
  // Agents before artifacts kept Git credentials in their state: gone before anything else reads it.
  const removed = [...(await store.removeGitEra()), ...(await rollbacks.removeGitEra())];
  if (removed.length > 0) logger.info({ secrets: removed.map((r) => r.secret), withCredentials: removed.filter((r) => r.hadCredentials).length }, 'deleted state stored by a Git-fetching agent');
  // Reports a previous run could not deliver go before anything this run reports.
  await connection.restoreOutbox();
  await reconciler.start();

  // Stored assignments are enforced from here on; the stream follows once there is a credential (joining may wait for the hub).
  let stopping = false;
  const connecting = identity.credential().then((credential) => {
    if (credential === undefined || stopping) return;
    connection.setCredential(credential);
    connection.start();
  });
  logger.info({ hub: config.hubAddress, tls: channel.security, kubernetesVersion, stateNamespace: config.stateNamespace, metrics: metricsServer?.url }, 'agent started');

  return {
    reconciler,
    connection,
    drift,
    logger,
    metricsUrl: metricsServer?.url,
    async stop() {
      await metricsServer?.close();
      stopping = true;
      identity.stop();
      await connecting;
      await connection.stop();
      await reconciler.stop();
      await drift.stop();
      manager.close();
      client.close();
    },
  };
}

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { RepositoryCache } from '@flotilla/git';
import { InventoryStore, KubeClient, ResourceManager } from '@flotilla/kube';
import { pino, type Logger } from 'pino';
import type { AgentConfig } from './config/agent-config.js';
import { HubConnection } from './connection/hub-connection.js';
import { Reconciler } from './reconciler/reconciler.js';
import { AutoRollback } from './rollback/auto-rollback.js';
import { RollbackStore } from './rollback/rollback-store.js';
import type { ReconcileReport } from './reconciler/reconcile-report.js';
import { AssignmentStore } from './state/assignment-store.js';
import { AGENT_VERSION } from './version.js';
import { fromAssignmentMessage, toStatusReport } from './wire/assignment-mapping.js';

/** A running agent. */
export interface Agent {
  reconciler: Reconciler;
  connection: HubConnection;
  logger: Logger;
  stop(): Promise<void>;
}

/** Extra wiring for embedding the agent (tests, the demo): a ready KubeConfig instead of a file. */
export interface AgentOverrides {
  kubeConfig?: KubeConfig;
  logger?: Logger;
  /** First retry delay after a transient failure. */
  retryDelayMs?: number;
}

/** Loads a kubeconfig: the given file, else the in-cluster service account, else the default locations. */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (file) kubeConfig.loadFromFile(file);
  else if (process.env.KUBERNETES_SERVICE_HOST) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

/** Wires the agent from its configuration and starts it: resume stored assignments, then dial the hub. */
export async function startAgent(config: AgentConfig, overrides: AgentOverrides = {}): Promise<Agent> {
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { component: 'agent', cluster: config.cluster } });
  const credential = config.token ?? readFileSync(config.tokenFile as string, 'utf8').trim();
  const kubeConfig = overrides.kubeConfig ?? loadKubeConfig(config.kubeconfig);
  const client = new KubeClient({ kubeConfig });
  const manager = new ResourceManager({ client, concurrency: config.applyConcurrency });
  const inventories = new InventoryStore({ client, namespace: config.stateNamespace });
  const repositories = new RepositoryCache({ dir: join(resolve(config.dataDir), 'git') });
  const store = new AssignmentStore(client, config.stateNamespace);
  const kubernetesVersion = await client
    .request<{ gitVersion?: string }>({ method: 'GET', path: '/version' })
    .then((v) => v.gitVersion ?? '')
    .catch(() => '');

  const lastReports = new Map<string, ReconcileReport>();
  // Handlers run only after start(), when the reconciler below exists.
  const connection: HubConnection = new HubConnection({
    address: config.hubAddress,
    credential,
    logger,
    outboxLimit: config.outboxLimit,
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
        for (const report of lastReports.values()) connection.send({ status: toStatusReport(report) });
      },
      onMessage: async (message) => {
        if (message.assignment) await reconciler.assign(fromAssignmentMessage(message.assignment));
        else if (message.unassignment) {
          lastReports.delete(message.unassignment.app);
          reconciler.unassign(message.unassignment.app, Number(message.unassignment.generation), message.unassignment.prune);
        } else if (message.assignmentsComplete) reconciler.reconcileAssignedSet(message.assignmentsComplete.apps);
      },
    },
  });
  const reconciler = new Reconciler({
    context: { manager, inventories, repositories, logger },
    store,
    logger,
    concurrency: config.concurrency,
    resyncIntervalMs: config.resyncIntervalMs,
    ...(overrides.retryDelayMs !== undefined ? { retryDelayMs: overrides.retryDelayMs } : {}),
    autoRollback: new AutoRollback({ store: new RollbackStore(client, config.stateNamespace), logger }),
    sink: {
      report: (report) => {
        lastReports.set(report.app, report);
        connection.send({ status: toStatusReport(report) });
      },
      ack: (app, generation) => connection.send({ ack: { app, generation } }),
    },
  });
  await ensureNamespace(client, config.stateNamespace);
  await reconciler.start();

  connection.start();
  logger.info({ hub: config.hubAddress, kubernetesVersion, stateNamespace: config.stateNamespace }, 'agent started');

  return {
    reconciler,
    connection,
    logger,
    async stop() {
      await connection.stop();
      await reconciler.stop();
      manager.close();
      client.close();
    },
  };
}

/** Creates the state namespace when it is missing (server-side apply, so it is a no-op otherwise). */
async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${name}`,
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } } },
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: 'flotilla', force: 'true' },
  });
}

import { parseArgs } from 'node:util';
import { startControlPlanes, type ControlPlane } from '../control-plane.js';
import { startGitServer, type GitServer } from '../git-server.js';
import { ensureKubernetesBinaries } from '../kubernetes-binaries.js';
import { createPostgresDatabase, DEFAULT_POSTGRES_URL, type PostgresDatabase } from '../postgres-database.js';

// `pnpm testenv`: starts real Kubernetes control planes, a Git server and a PostgreSQL database for manual use,
// prints how to reach each, and stops them all on Ctrl-C. The only place in this package that reads env.

const USAGE = `Usage: pnpm testenv [--clusters N] [--workloads] [--git] [--postgres]

  --clusters N   Kubernetes control planes (etcd + kube-apiserver) to start; default 1, 0 for none
  --workloads    the planes run workloads: kube-controller-manager, kube-scheduler and two KWOK-simulated Nodes
  --git          start a Git smart-HTTP server with a sample repository "fleet"
  --postgres     create a fresh PostgreSQL database (dropped on exit)

Environment: FLOTILLA_K8S_CACHE and FLOTILLA_KWOK_CACHE (where the Kubernetes binaries and KWOK are built),
FLOTILLA_TEST_POSTGRES_URL (server to create the database on; default ${DEFAULT_POSTGRES_URL}).`;

/** A sample GitOps layout: one application with a namespace and a config map. */
const SAMPLE_FILES: Record<string, string> = {
  'README.md': '# fleet\n\nSample repository served by `pnpm testenv`.\n',
  'apps/hello/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n',
  'apps/hello/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n  namespace: hello\ndata:\n  greeting: hello from flotilla\n',
};

interface Flags {
  clusters: number;
  workloads: boolean;
  git: boolean;
  postgres: boolean;
}

/** A started part and how to stop it; stopped in reverse start order. */
type Stop = () => Promise<unknown>;

function parseFlags(argv: string[]): Flags | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      clusters: { type: 'string', default: '1' },
      workloads: { type: 'boolean', default: false },
      git: { type: 'boolean', default: false },
      postgres: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const clusters = Number(values.clusters);
  if (!Number.isInteger(clusters) || clusters < 0) throw new Error(`--clusters must be a whole number ≥ 0, got ${JSON.stringify(values.clusters)}`);
  return { clusters, workloads: values.workloads, git: values.git, postgres: values.postgres };
}

async function startControlPlaneSection(count: number, workloads: boolean, stops: Stop[]): Promise<string[]> {
  const binaries = await ensureKubernetesBinaries({ cacheDir: process.env.FLOTILLA_K8S_CACHE });
  const kwokCacheDir = process.env.FLOTILLA_KWOK_CACHE;
  const planes: ControlPlane[] = await startControlPlanes(count, { binaries, workloads, kwokCacheDir });
  stops.push(() => Promise.all(planes.map((plane) => plane.stop())));
  return planes.flatMap((plane) => [
    `Kubernetes ${plane.name} (${plane.version}) at ${plane.server}${plane.runsWorkloads ? ', running workloads (controllers, scheduler, KWOK nodes)' : ''}`,
    `  ${binaries.kubectl} --kubeconfig ${plane.kubeconfigPath} get ns`,
    `  as a user without RBAC grants: --kubeconfig ${plane.userKubeconfigPath}`,
  ]);
}

async function startGitSection(stops: Stop[]): Promise<string[]> {
  const server: GitServer = await startGitServer();
  stops.push(() => server.stop());
  const fleet = await server.createRepository('fleet', SAMPLE_FILES);
  return [
    `Git server at ${server.url} (no auth; push enabled; repositories in ${server.directory}/repos)`,
    `  git clone ${fleet.url}`,
  ];
}

async function startPostgresSection(serverUrl: string, stops: Stop[]): Promise<string[]> {
  const database: PostgresDatabase = await createPostgresDatabase({ url: serverUrl });
  stops.push(() => database.drop());
  return [`PostgreSQL database ${database.name} (dropped on exit)`, `  psql ${database.url}`];
}

async function stopAll(stops: Stop[]): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`testenv: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function main(): Promise<void> {
  let flags: Flags | 'help';
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`testenv: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags === 'help') {
    console.log(USAGE);
    return;
  }
  if (flags.clusters === 0 && !flags.git && !flags.postgres) {
    console.error(`testenv: nothing to start\n\n${USAGE}`);
    process.exit(2);
  }

  const stops: Stop[] = [];
  // Git and PostgreSQL take a second; the control planes (and maybe a Go build) take much longer, so start all at
  // once. allSettled, not all: after one failure the others must finish starting before they can be stopped.
  const starting = Promise.allSettled([
    flags.clusters > 0 ? startControlPlaneSection(flags.clusters, flags.workloads, stops) : [],
    flags.git ? startGitSection(stops) : [],
    flags.postgres ? startPostgresSection(process.env.FLOTILLA_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL, stops) : [],
  ]);

  let isStopping = false;
  const shutDown = async (exitCode: number): Promise<never> => {
    if (isStopping) {
      // A second Ctrl-C: the user does not want to wait (control planes still die with this process).
      process.exit(130);
    }
    isStopping = true;
    console.log('\ntestenv: stopping… (Ctrl-C again to quit at once)');
    await starting;
    await stopAll(stops);
    process.exit(exitCode);
  };
  // Registered before start-up finishes, so Ctrl-C during a slow start still stops what was started.
  process.on('SIGINT', () => void shutDown(0));
  process.on('SIGTERM', () => void shutDown(0));

  const results = await starting;
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    for (const failure of failures) {
      console.error(`testenv: start-up failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
    await shutDown(1);
  }
  if (isStopping) return;
  const lines = results.flatMap((result) => (result.status === 'fulfilled' && result.value.length > 0 ? [...result.value, ''] : []));
  console.log(['Flotilla test environment is up.', '', ...lines, 'Press Ctrl-C to stop everything.'].join('\n'));
}

await main();

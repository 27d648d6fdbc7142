import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePorts } from './free-ports.js';
import { startSupervisedProcess, type SupervisedProcess } from './supervised-process.js';
import { waitForReady } from './wait-for-ready.js';

/** A running single-member etcd on loopback. */
export interface EtcdServer {
  /** Client URL, for kube-apiserver's --etcd-servers. */
  readonly url: string;
  readonly process: SupervisedProcess;
}

/** Where etcd keeps its data and log, and how long it may take to answer /health. */
export interface StartEtcdOptions {
  etcdPath: string;
  /** A directory of its own: etcd writes `data/` and `etcd.log` there. */
  dir: string;
  timeoutMs: number;
  /** Deleted by the watchdog if this Node process dies without stopping the server (the plane's temp dir). */
  removeWhenOrphaned?: string;
}

/** Starts etcd with throwaway storage (no fsync) and waits until GET /health answers 200. */
export async function startEtcd(options: StartEtcdOptions): Promise<EtcdServer> {
  const [clientPort, peerPort] = await findFreePorts(2);
  const url = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  await mkdir(options.dir, { recursive: true });
  const etcd = startSupervisedProcess({
    command: options.etcdPath,
    args: [
      '--name=default',
      `--data-dir=${join(options.dir, 'data')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // Test data is disposable; skipping fsync makes every write much cheaper on slow disks.
      '--unsafe-no-fsync=true',
    ],
    logPath: join(options.dir, 'etcd.log'),
    cwd: options.dir,
    removeWhenOrphaned: options.removeWhenOrphaned,
  });
  try {
    await waitForReady({ component: 'etcd', url: `${url}/health`, process: etcd, timeoutMs: options.timeoutMs });
  } catch (error) {
    await etcd.stop(0);
    throw error;
  }
  return { url, process: etcd };
}

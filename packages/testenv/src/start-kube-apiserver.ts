import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControlPlaneCredentials } from './control-plane-credentials.js';
import { findFreePorts } from './free-ports.js';
import { startSupervisedProcess, type SupervisedProcess } from './supervised-process.js';
import { waitForReady } from './wait-for-ready.js';

/** A running kube-apiserver on loopback and the CA bundle that verifies its serving certificate. */
export interface KubeApiserver {
  readonly server: string;
  readonly caPem: string;
  readonly caCertPath: string;
  readonly process: SupervisedProcess;
}

/** Binary, working directory, storage and identities of one kube-apiserver. */
export interface StartKubeApiserverOptions {
  apiserverPath: string;
  /** kube-apiserver writes `certs/` and `kube-apiserver.log` here. */
  dir: string;
  etcdUrl: string;
  credentials: ControlPlaneCredentials;
  /** A CA bundle whose client certificates are accepted too; default none (bearer tokens only). */
  clientCaFile?: string;
  /** Run the ServiceAccount admission plugin (mounts tokens into Pods); only where a controller manager makes the accounts. */
  serviceAccountAdmission?: boolean;
  timeoutMs: number;
  /** Deleted by the watchdog if this Node process dies without stopping the server (the plane's temp dir). */
  removeWhenOrphaned?: string;
}

/** Starts kube-apiserver the way controller-runtime's envtest does and waits until /readyz answers 200. */
export async function startKubeApiserver(options: StartKubeApiserverOptions): Promise<KubeApiserver> {
  const [port] = await findFreePorts(1);
  const server = `https://127.0.0.1:${port}`;
  const certDir = join(options.dir, 'certs');
  await mkdir(certDir, { recursive: true });
  const { credentials } = options;
  const apiserver = startSupervisedProcess({
    command: options.apiserverPath,
    args: [
      `--etcd-servers=${options.etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      // With no serving certificate given, kube-apiserver makes a self-signed CA and certificate here.
      `--cert-dir=${certDir}`,
      `--token-auth-file=${credentials.tokenFilePath}`,
      ...(options.clientCaFile ? [`--client-ca-file=${options.clientCaFile}`] : []),
      '--authorization-mode=RBAC',
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${credentials.serviceAccountPublicKeyPath}`,
      `--service-account-signing-key-file=${credentials.serviceAccountPrivateKeyPath}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // Without a controller manager, nothing would create the ServiceAccounts this plugin demands of every Pod.
      ...(options.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
      '--allow-privileged=true',
      // A single apiserver with no real Service network: do not maintain the `kubernetes` endpoints.
      '--endpoint-reconciler-type=none',
    ],
    logPath: join(options.dir, 'kube-apiserver.log'),
    cwd: options.dir,
    removeWhenOrphaned: options.removeWhenOrphaned,
  });
  const caCertPath = join(certDir, 'apiserver.crt');
  try {
    await waitForReady({
      component: 'kube-apiserver',
      url: `${server}/readyz`,
      process: apiserver,
      timeoutMs: options.timeoutMs,
      bearerToken: credentials.adminToken,
      readCa: () => readCompletePem(caCertPath),
    });
  } catch (error) {
    await apiserver.stop(0);
    throw error;
  }
  // Read again after success: this is the bundle the successful TLS handshake was verified against.
  const caPem = await readFile(caCertPath, 'utf8');
  return { server, caPem, caCertPath, process: apiserver };
}

// The certificate file appears before the port opens and could be caught half-written.
async function readCompletePem(path: string): Promise<string | undefined> {
  const pem = await readFile(path, 'utf8').catch(() => '');
  return pem.trimEnd().endsWith('-----END CERTIFICATE-----') ? pem : undefined;
}

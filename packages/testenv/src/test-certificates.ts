import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM certificate and its private key, in memory and on disk. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** A test CA with a server certificate and a client certificate it signed. */
export interface TestCertificates {
  /** The temporary directory holding every file. */
  readonly dir: string;
  readonly ca: CertificateFiles;
  /** For the names given in `serverNames` (default `localhost` and `127.0.0.1`), with serverAuth usage. */
  readonly server: CertificateFiles;
  /** CN `clientName` (default `flotilla-agent`), with clientAuth usage, for mutual TLS. */
  readonly client: CertificateFiles;
  /** Deletes the directory; safe to call twice. */
  remove(): Promise<void>;
}

/** Options of createTestCertificates. */
export interface TestCertificatesOptions {
  /** DNS names and IP addresses the server certificate is valid for. */
  serverNames?: string[];
  /** Common name of the client certificate. */
  clientName?: string;
  /** Validity in days; default 2. */
  days?: number;
}

const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+:[0-9a-f:]*)$/i;

/**
 * Makes a fresh CA, a server certificate and a client certificate with Debian's `openssl` command (node:crypto makes
 * keys but cannot issue X.509 certificates). EC P-256 keys, so it takes a few tens of milliseconds.
 */
export async function createTestCertificates(options: TestCertificatesOptions = {}): Promise<TestCertificates> {
  const { serverNames = ['localhost', '127.0.0.1'], clientName = 'flotilla-agent', days = 2 } = options;
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-certs-'));
  const path = (name: string): string => join(dir, name);
  const openssl = async (args: string[]): Promise<void> => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
    }
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', String(days), '-subj', '/CN=Flotilla test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const issue = async (name: string, subject: string, extensions: string): Promise<void> => {
      await writeFile(path(`${name}.ext`), extensions);
      await openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${Date.now().toString(16)}${name.length}`,
        '-out', `${name}.crt`, '-days', String(days), '-extfile', `${name}.ext`]);
    };
    const altNames = serverNames.map((name) => (IP_ADDRESS.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
    await issue('server', `/CN=${serverNames[0] ?? 'localhost'}`,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${altNames}\n`);
    await issue('client', `/CN=${clientName}`, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
    const files = async (name: string): Promise<CertificateFiles> => ({
      cert: await readFile(path(`${name}.crt`), 'utf8'),
      key: await readFile(path(`${name}.key`), 'utf8'),
      certPath: path(`${name}.crt`),
      keyPath: path(`${name}.key`),
    });
    return {
      dir,
      ca: await files('ca'),
      server: await files('server'),
      client: await files('client'),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

import { dirname, isAbsolute, join } from 'node:path';
import { FlotillaError } from '@flotilla/core';
import { parse } from 'yaml';

// Field names follow @kubernetes/client-node's KubeConfig (caData, skipTLSVerify, certFile, …), so a loaded
// kubeconfig compares field by field with the library's, and exec / auth-provider users can be handed to it as-is.

/** A cluster entry: where the API server is and how to verify it. */
export interface KubeconfigCluster {
  name: string;
  /** Without a trailing slash. */
  server: string;
  /** Base64 of the PEM CA bundle (`certificate-authority-data`). */
  caData?: string;
  /** Absolute path of the PEM CA bundle (`certificate-authority`). */
  caFile?: string;
  skipTLSVerify?: boolean;
  /** Name to verify the server certificate against, instead of the host in `server`. */
  tlsServerName?: string;
  proxyUrl?: string;
}

/** A user entry: how to authenticate. Paths are absolute. */
export interface KubeconfigUser {
  name: string;
  /** Base64 of the PEM client certificate. */
  certData?: string;
  certFile?: string;
  /** Base64 of the PEM client key. */
  keyData?: string;
  keyFile?: string;
  token?: string;
  /** Bearer token file (kubectl's `tokenFile`), read again every minute as client-go does: tokens rotate. */
  tokenFile?: string;
  username?: string;
  password?: string;
  /** `as`: the user to impersonate. */
  impersonateUser?: string;
  /** An exec credential plugin (`exec`), run by @kubernetes/client-node. */
  exec?: unknown;
  /** A legacy auth provider (`auth-provider`: oidc, azure, gcp), run by @kubernetes/client-node. */
  authProvider?: unknown;
}

/** A context entry: a cluster and the user to reach it as. */
export interface KubeconfigContext {
  name: string;
  cluster: string;
  user?: string;
  namespace?: string;
}

/** A kubeconfig, loaded: every entry, the current context, and the file it came from (for error messages). */
export interface Kubeconfig {
  clusters: readonly KubeconfigCluster[];
  users: readonly KubeconfigUser[];
  contexts: readonly KubeconfigContext[];
  currentContext: string;
  /** The file it was read from; undefined for one built in memory. */
  path?: string;
}

/** The entries of the current context, looked up. */
export interface KubeconfigSelection {
  context: KubeconfigContext;
  cluster: KubeconfigCluster;
  user: KubeconfigUser;
}

/**
 * Reads a kubeconfig document (YAML text, or the object it parses to), as kubectl writes it. With `path`, relative
 * file names resolve against the file's directory, as kubectl does. Throws INVALID_ARGUMENT naming the file and the
 * bad entry (`users[1].name is missing`).
 */
export function parseKubeconfig(source: string | object, options: { path?: string } = {}): Kubeconfig {
  const where = describeSource(options.path);
  let document: unknown = source;
  if (typeof source === 'string') {
    try {
      document = parse(source);
    } catch (error) {
      throw kubeconfigError(`${where} is not valid YAML: ${(error as Error).message}`, options.path, '', error);
    }
  }
  const root = asRecord(document ?? {}, '', options.path);
  const resolvePath = (file: string | undefined): string | undefined =>
    file === undefined || options.path === undefined || isAbsolute(file) ? file : join(dirname(options.path), file);
  // Each entry is `{ name, <kind>: { … } }`; a user may have no fields at all (anonymous).
  const entries = <T>(key: 'clusters' | 'users' | 'contexts', read: (fields: Fields, name: string) => T): T[] =>
    listOf(root[key], key, options.path).map((entry, i) => {
      const name = entry.string('name', true) as string;
      return read(entry.record(key.slice(0, -1), `${key}[${i}]`, key !== 'users'), name);
    });

  const clusters = entries('clusters', (f, name): KubeconfigCluster =>
    compact({
      name,
      server: (f.string('server', true) as string).replace(/\/+$/, ''),
      caData: f.string('certificate-authority-data'),
      caFile: resolvePath(f.string('certificate-authority')),
      skipTLSVerify: f.boolean('insecure-skip-tls-verify'),
      tlsServerName: f.string('tls-server-name'),
      proxyUrl: f.string('proxy-url'),
    }),
  );
  const users = entries('users', (f, name): KubeconfigUser =>
    compact({
      name,
      certData: f.string('client-certificate-data'),
      certFile: resolvePath(f.string('client-certificate')),
      keyData: f.string('client-key-data'),
      keyFile: resolvePath(f.string('client-key')),
      token: f.string('token'),
      tokenFile: resolvePath(f.string('tokenFile')),
      username: f.string('username'),
      password: f.string('password'),
      impersonateUser: f.string('as'),
      exec: f.raw('exec'),
      authProvider: f.raw('auth-provider'),
    }),
  );
  const contexts = entries('contexts', (f, name): KubeconfigContext =>
    compact({ name, cluster: f.string('cluster', true) as string, user: f.string('user'), namespace: f.string('namespace') }),
  );
  const currentContext = root['current-context'] ?? '';
  if (typeof currentContext !== 'string') throw kubeconfigError(`${where}: current-context must be a string`, options.path, 'current-context');
  return compact({ clusters, users, contexts, currentContext, path: options.path });
}

/** The same kubeconfig with another current context; throws INVALID_ARGUMENT when it has no context of that name. */
export function withContext(kubeconfig: Kubeconfig, context: string): Kubeconfig {
  if (!kubeconfig.contexts.some((c) => c.name === context)) {
    throw kubeconfigError(`${describeSource(kubeconfig.path)} has no context "${context}"`, kubeconfig.path, `contexts[${context}]`);
  }
  return { ...kubeconfig, currentContext: context };
}

/**
 * The current context's cluster and user. A context without a user means no credentials (an anonymous user).
 * Throws INVALID_ARGUMENT naming the file and the missing entry.
 */
export function selectContext(kubeconfig: Kubeconfig): KubeconfigSelection {
  const where = describeSource(kubeconfig.path);
  if (kubeconfig.currentContext === '') throw kubeconfigError(`${where} has no current-context`, kubeconfig.path, 'current-context');
  const context = kubeconfig.contexts.find((c) => c.name === kubeconfig.currentContext);
  if (!context) {
    throw kubeconfigError(`${where}: current-context "${kubeconfig.currentContext}" is not among its contexts`, kubeconfig.path, 'current-context');
  }
  const cluster = kubeconfig.clusters.find((c) => c.name === context.cluster);
  if (!cluster) throw kubeconfigError(`${where}: context "${context.name}" names cluster "${context.cluster}", which is not among its clusters`, kubeconfig.path, `contexts[${context.name}].context.cluster`);
  if (context.user === undefined) return { context, cluster, user: { name: '' } };
  const user = kubeconfig.users.find((u) => u.name === context.user);
  if (!user) throw kubeconfigError(`${where}: context "${context.name}" names user "${context.user}", which is not among its users`, kubeconfig.path, `contexts[${context.name}].context.user`);
  return { context, cluster, user };
}

/** A kubeconfig problem: INVALID_ARGUMENT with the file (`kubeconfig`, empty for one in memory) and `entry` in data. */
export function kubeconfigError(message: string, path: string | undefined, entry: string, cause?: unknown): FlotillaError {
  return new FlotillaError('INVALID_ARGUMENT', message, { data: { kubeconfig: path ?? '', entry }, cause });
}

/** How messages name a kubeconfig: `kubeconfig /home/me/.kube/config`, or `the kubeconfig` for one in memory. */
export function describeSource(path: string | undefined): string {
  return path === undefined ? 'the kubeconfig' : `kubeconfig ${path}`;
}

/** Typed reads of one mapping of the document; errors name the entry (`users[1].user.token`). */
interface Fields {
  string(key: string, required?: boolean): string | undefined;
  boolean(key: string): boolean | undefined;
  raw(key: string): unknown;
  /** The nested mapping `key`; an empty one when absent and not `required`. */
  record(key: string, at: string, required: boolean): Fields;
}

function fieldsOf(record: Record<string, unknown>, at: string, path: string | undefined): Fields {
  const fail = (key: string, what: string): never => {
    throw kubeconfigError(`${describeSource(path)}: ${at}.${key} ${what}`, path, `${at}.${key}`);
  };
  return {
    string(key, required = false) {
      const value = record[key];
      if (value === undefined || value === null || value === '') return required ? fail(key, 'is missing') : undefined;
      return typeof value === 'string' ? value : fail(key, 'must be a string');
    },
    boolean(key) {
      const value = record[key];
      if (value === undefined || value === null) return undefined;
      return typeof value === 'boolean' ? value : fail(key, 'must be true or false');
    },
    raw: (key) => record[key] ?? undefined,
    record(key, nestedAt, required) {
      const value = record[key];
      if (value === undefined || value === null) return required ? fail(key, 'is missing') : fieldsOf({}, `${nestedAt}.${key}`, path);
      return fieldsOf(asRecord(value, `${nestedAt}.${key}`, path), `${nestedAt}.${key}`, path);
    },
  };
}

function listOf(value: unknown, key: string, path: string | undefined): Fields[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw kubeconfigError(`${describeSource(path)}: ${key} must be a list`, path, key);
  return value.map((entry, i) => fieldsOf(asRecord(entry, `${key}[${i}]`, path), `${key}[${i}]`, path));
}

function asRecord(value: unknown, at: string, path: string | undefined): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw kubeconfigError(`${describeSource(path)}: ${at || 'the document'} must be a mapping`, path, at);
}

/** Drops undefined fields, so entries compare equal whether a field was absent or empty. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

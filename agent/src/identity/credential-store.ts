import { createHash } from 'node:crypto';
import { APPLY_PATCH, isNotFound, type KubeClient, mapApiError } from '@flotilla/kube';

/** Name of the Secret holding the agent's credential in its state namespace. */
export const CREDENTIAL_SECRET = 'flotilla-agent-credential';

/** The stored credential and the configured token it descends from (its SHA-256), so a new join token is noticed. */
export interface StoredCredential {
  credential: string;
  originSha256: string;
}

/** SHA-256 of a configured token, hex: what the Secret records instead of the token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Keeps the agent's cluster credential in a Secret of its state namespace, so a restarted agent need not join again. */
export class CredentialStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** The stored credential, or undefined when there is none. */
  async load(): Promise<StoredCredential | undefined> {
    try {
      const secret = await this.client.request<{ data?: Record<string, string> }>({ method: 'GET', path: this.path() });
      const credential = decode(secret.data?.credential);
      const originSha256 = decode(secret.data?.originSha256);
      return credential ? { credential, originSha256: originSha256 ?? '' } : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw mapApiError(error, { object: `Secret/${this.namespace}/${CREDENTIAL_SECRET}`, verb: 'get' });
    }
  }

  /** Writes the credential (server-side apply); the state namespace must exist. */
  async save(stored: StoredCredential): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CREDENTIAL_SECRET, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } },
      type: 'Opaque',
      data: { credential: encode(stored.credential), originSha256: encode(stored.originSha256) },
    };
    try {
      await this.client.request({ method: 'PATCH', path: this.path(), body, contentType: APPLY_PATCH, query: { fieldManager: this.fieldManager, force: 'true' } });
    } catch (error) {
      throw mapApiError(error, { object: `Secret/${this.namespace}/${CREDENTIAL_SECRET}`, verb: 'apply' });
    }
  }

  private path(): string {
    return `/api/v1/namespaces/${this.namespace}/secrets/${CREDENTIAL_SECRET}`;
  }
}

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const decode = (data: string | undefined): string | undefined => (data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8'));

import type { Logger } from 'pino';
import { Backoff } from '../wire/backoff.js';
import { type CredentialStore, type StoredCredential, tokenDigest } from './credential-store.js';

/** What the agent's identity needs. */
export interface AgentIdentityOptions {
  store: Pick<CredentialStore, 'load' | 'save'>;
  /** FLOTILLA_TOKEN: a join token (`flj_…`) or a credential. */
  configuredToken: string;
  /** Exchanges a join token for a credential (AgentService.Join). */
  join(joinToken: string): Promise<string>;
  logger: Logger;
  backoff?: Backoff;
}

/** Whether a configured token is a join token, to be exchanged, rather than a credential. */
export function isJoinToken(token: string): boolean {
  return token.startsWith('flj_');
}

/**
 * The agent's cluster credential. On first start with a join token the agent joins (AgentService.Join) and keeps the
 * credential in a Secret of its state namespace; later starts use that Secret. A join token other than the one the
 * stored credential came from (a re-join after a revocation) is exchanged again. Rotations replace the stored one.
 */
export class AgentIdentity {
  private readonly backoff: Backoff;
  private readonly origin: string;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: AgentIdentityOptions) {
    this.backoff = options.backoff ?? new Backoff(1000, 60_000);
    this.origin = tokenDigest(options.configuredToken);
  }

  /** The credential to connect with; retries (with backoff) until it has one, or undefined once stopped. */
  async credential(): Promise<string | undefined> {
    while (!this.stopped) {
      try {
        const stored = await this.options.store.load();
        if (stored && stored.originSha256 === this.origin) return stored.credential;
        if (!isJoinToken(this.options.configuredToken)) return this.options.configuredToken;
        const credential = await this.options.join(this.options.configuredToken);
        this.options.logger.info('joined the hub: the join token was exchanged for a cluster credential, kept in the state namespace');
        await this.store({ credential, originSha256: this.origin }, 'joined');
        return credential;
      } catch (error) {
        const delay = this.backoff.next();
        const { code, details } = error as { code?: number; details?: string };
        this.options.logger.error({ err: details ?? (error as Error).message, grpcCode: code, retryInMs: delay }, 'could not get a cluster credential; retrying');
        await this.sleep(delay);
      }
    }
    return undefined;
  }

  /** Keeps a rotated credential for the next connects. */
  async rotate(credential: string, previousExpiresAt: Date | undefined): Promise<void> {
    await this.store({ credential, originSha256: this.origin }, 'rotated');
    this.options.logger.info({ previousExpiresAt: previousExpiresAt?.toISOString() }, 'stored a rotated cluster credential');
  }

  /** Ends a credential() that is still retrying. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Writes the Secret, retrying a few times: a credential that is not stored is lost on the next restart. */
  private async store(stored: StoredCredential, what: 'joined' | 'rotated'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.store.save(stored);
        return;
      } catch (error) {
        if (attempt >= 5 || this.stopped) {
          this.options.logger.error({ credential: what, err: (error as Error).message }, 'could not store the cluster credential; it is used until the agent restarts, then a new join token is needed');
          return;
        }
        await this.sleep(500 * attempt);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

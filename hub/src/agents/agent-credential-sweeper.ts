import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import type { HubConfig } from '../config/hub-config.js';
import { ClusterCredentials, type CredentialChange } from '../identity/cluster-credentials.service.js';
import { EventLog } from '../replicas/event-log.js';
import { AgentSessionRegistry } from './agent-session-registry.js';
import { StreamClosed } from './stream-closed.js';

/**
 * How often each open stream's credential is read again: a safety net only (a change made by hand in the database),
 * since rotations and revocations reach the replica holding the stream through the fleet event log at once. The
 * streams are read a slice per sweep, so 10,000 streams cost about 170 lookups a second rather than 10,000 at once.
 */
const CREDENTIAL_CHECK_INTERVAL_MS = 60_000;

/** The log topic of rotations and revocations, for the replica that holds the cluster's stream. */
const CREDENTIAL_TOPIC = 'credential';

/**
 * Keeps open streams within their credentials: a revoked credential closes its stream at once, a rotated one when
 * its grace period ends, on whichever replica the change was made (through the fleet event log); the credentials of
 * open streams are also read back every few seconds.
 */
@Injectable()
export class AgentCredentialSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('agents');
  private subscriptions: Subscription[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  /** Where the next sweep's slice of the open streams starts. */
  private checkFrom = 0;

  constructor(
    private readonly registry: AgentSessionRegistry,
    private readonly credentials: ClusterCredentials,
    private readonly log: EventLog,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      this.credentials.changes.subscribe((change) => {
        void this.follow(change);
        this.log.tellOthers({ topic: CREDENTIAL_TOPIC, cluster: change.cluster, payload: change });
      }),
      this.log.fromOthers<CredentialChange>(CREDENTIAL_TOPIC).subscribe((entry) => void this.follow(entry.payload)),
    );
    this.sweeper = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** How often streams are swept: often enough to close one within a third of the heartbeat timeout. */
  private get sweepIntervalMs(): number {
    return Math.min(1000, this.config.heartbeatTimeoutMs / 3);
  }

  beforeApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    clearInterval(this.sweeper);
  }

  /** Follows a rotation (the session's credential now expires) or a revocation (the stream closes at once). */
  private async follow(change: CredentialChange): Promise<void> {
    const session = this.registry.get(change.cluster);
    if (!session) return;
    if (change.type === 'revoked') {
      session.close(new StreamClosed('unauthenticated', `the credential of cluster "${change.cluster}" was revoked`));
      return;
    }
    try {
      const expiry = await this.credentials.expiryOf(session.credentialHash);
      if (expiry === undefined) session.close(new StreamClosed('unauthenticated', `the credential of cluster "${change.cluster}" was revoked`));
      else session.credentialExpiresAt = expiry?.getTime() ?? null;
    } catch (error) {
      this.logger.error({ msg: 'reading the credential expiry failed', cluster: change.cluster, error: (error as Error).message });
    }
  }

  /** Closes streams whose credential ended, re-reading each one's credential every CREDENTIAL_CHECK_INTERVAL_MS. */
  private async sweep(): Promise<void> {
    await this.checkCredentials();
    for (const session of this.registry.all()) {
      if (session.credentialExpiresAt !== null && session.credentialExpiresAt <= Date.now()) {
        session.close(new StreamClosed('unauthenticated', 'the credential of this stream expired (it was rotated): reconnect with the new one'));
      }
    }
  }

  /** Re-reads the credentials of this sweep's slice of the open streams. */
  private async checkCredentials(): Promise<void> {
    const all = this.registry.all();
    if (all.length === 0) return;
    const size = Math.ceil((all.length * this.sweepIntervalMs) / CREDENTIAL_CHECK_INTERVAL_MS);
    if (this.checkFrom >= all.length) this.checkFrom = 0;
    const sessions = all.slice(this.checkFrom, this.checkFrom + size);
    this.checkFrom += size;
    try {
      const expiries = await this.credentials.expiries(sessions.map((session) => session.credentialHash));
      for (const session of sessions) {
        const expiry = expiries.get(session.credentialHash);
        if (expiry === undefined) session.close(new StreamClosed('unauthenticated', `the credential of cluster "${session.cluster}" was revoked`));
        else session.credentialExpiresAt = expiry?.getTime() ?? null;
      }
    } catch (error) {
      this.logger.error({ msg: 'checking the credentials of open streams failed', error: (error as Error).message });
    }
  }
}

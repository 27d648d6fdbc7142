import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FlotillaError } from '@flotilla/core';
import { Subject } from 'rxjs';
import { In, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import { resourceName } from '@flotilla/api';
import { hashSecret, newSecretToken } from '../common/secret-token.js';
import type { HubConfig } from '../config/hub-config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { TickBatcher } from '../common/tick-batcher.js';
import { ClusterCredential } from './cluster-credential.entity.js';

/** The cluster a valid agent credential belongs to, or why it was refused. */
export type CredentialCheck = { cluster: string; hash: string; expiresAt: Date | null } | { refused: string };

/** A change to a cluster's credentials that open streams must follow. */
export interface CredentialChange {
  cluster: string;
  type: 'rotated' | 'revoked';
}

/** What an agent sends to join. */
export interface JoinInput {
  joinToken: string;
  cluster: string;
  agentVersion: string;
}

const MAX_SECRET_LENGTH = 1024;

/**
 * The identity of clusters' agents. Registration issues a one-time join token; AgentService.Join exchanges it for a
 * long-lived credential; both are stored as SHA-256 hashes. A credential can be rotated (the old one keeps working
 * for a grace period) and revoked (refused at once). `changes` tells open streams to follow.
 */
@Injectable()
export class ClusterCredentials {
  /** Rotations and revocations, for the agent streams of this replica. */
  readonly changes = new Subject<CredentialChange>();
  private readonly joinRate: RateLimiter;
  /** Credentials by hash, read for every stream that opened in one turn at once (agents connect in bursts). */
  private readonly byHash = new TickBatcher<string, ClusterCredential | null>(
    async (hashes) => new Map((await this.credentials.find({ where: { hash: In(hashes) } })).map((row) => [row.hash, row])),
    null,
  );

  constructor(
    @InjectRepository(ClusterCredential) private readonly credentials: Repository<ClusterCredential>,
    private readonly audit: AuditService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    this.joinRate = new RateLimiter({ perMinute: config.joinRateLimit });
  }

  /** A new join token for a cluster, replacing any earlier one that was not used; credentials in use stay valid. */
  async issueJoinToken(cluster: string): Promise<{ joinToken: string; expiresAt: Date }> {
    const joinToken = newSecretToken('flj');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.joinTokenTtlSeconds * 1000);
    await this.credentials.delete({ clusterName: cluster, kind: 'join' });
    await this.credentials.insert({ hash: hashSecret(joinToken), clusterName: cluster, kind: 'join', createdAt: now, expiresAt });
    return { joinToken, expiresAt };
  }

  /**
   * Exchanges a join token for a credential, once. RESOURCE_EXHAUSTED past the rate of a client address,
   * UNAUTHENTICATED for an unknown, used or expired token, PERMISSION_DENIED for another cluster's token (not used up).
   */
  async join(input: JoinInput, client: string): Promise<{ credential: string }> {
    const claimed = resourceName.safeParse(input.cluster).success ? input.cluster : '(invalid)';
    const refuse = async (code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'INVALID_ARGUMENT', message: string): Promise<never> => {
      await this.audit.record({ actor: `agent:${claimed}`, action: 'cluster.join', target: `cluster/${claimed}`, result: 'failure', details: { code, message, client } });
      throw new FlotillaError(code, message, { data: { cluster: claimed } });
    };
    const rate = this.joinRate.take(client);
    if (!rate.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      throw new FlotillaError('RESOURCE_EXHAUSTED', `too many join attempts from ${client}; retry in ${retryAfterSeconds} s`, { data: { retryAfterSeconds } });
    }
    if (claimed === '(invalid)') return refuse('INVALID_ARGUMENT', 'cluster must be the name the cluster was registered with (a DNS label)');
    if (typeof input.joinToken !== 'string' || input.joinToken === '' || input.joinToken.length > MAX_SECRET_LENGTH) {
      return refuse('INVALID_ARGUMENT', 'join_token must be the join token shown when the cluster was registered');
    }
    const hash = hashSecret(input.joinToken);
    const row = await this.credentials.findOneBy({ hash });
    if (row?.kind === 'agent') return refuse('UNAUTHENTICATED', 'this is a cluster credential, not a join token: connect with it instead');
    if (!row) return refuse('UNAUTHENTICATED', 'unknown or already used join token; issue a new one with POST /api/v1/clusters/{name}/join-token');
    if (row.clusterName !== input.cluster) return refuse('PERMISSION_DENIED', `the join token was not issued for cluster "${input.cluster}"`);
    if (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now()) {
      return refuse('UNAUTHENTICATED', `the join token expired at ${row.expiresAt.toISOString()}; issue a new one with POST /api/v1/clusters/${input.cluster}/join-token`);
    }
    // Deleting it is what makes it one-time: of two concurrent joins with one token, only one deletes the row.
    const consumed = await this.credentials.delete({ hash, kind: 'join' });
    if (consumed.affected !== 1) return refuse('UNAUTHENTICATED', 'unknown or already used join token');
    const credential = newSecretToken('flc');
    await this.credentials.insert({ hash: hashSecret(credential), clusterName: input.cluster, kind: 'agent', createdAt: new Date(), expiresAt: null });
    await this.audit.record({
      actor: `agent:${input.cluster}`,
      action: 'cluster.join',
      target: `cluster/${input.cluster}`,
      result: 'success',
      details: { agentVersion: input.agentVersion.slice(0, 64), client },
    });
    return { credential };
  }

  /** Checks a stream's credential: unknown, revoked and expired credentials, and join tokens, are refused. */
  async authenticate(credential: string): Promise<CredentialCheck> {
    if (credential.length > MAX_SECRET_LENGTH) return { refused: 'unknown or revoked cluster credential' };
    const hash = hashSecret(credential);
    const row = await this.byHash.load(hash);
    if (!row) return { refused: 'unknown or revoked cluster credential' };
    if (row.kind === 'join') return { refused: 'this is a join token: the agent must exchange it for a credential with AgentService.Join first' };
    if (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now()) {
      return { refused: `cluster credential expired at ${row.expiresAt.toISOString()} (it was rotated): use the new one` };
    }
    return { cluster: row.clusterName, hash, expiresAt: row.expiresAt };
  }

  /**
   * When each of some agent credentials stops working now (null: never); a hash missing from the answer is revoked.
   * Streams check theirs with it, so a rotation or revocation made on another replica reaches them too.
   */
  async expiries(hashes: readonly string[]): Promise<Map<string, Date | null>> {
    const expiries = new Map<string, Date | null>();
    for (let i = 0; i < hashes.length; i += 500) {
      const rows = await this.credentials.find({ where: { hash: In(hashes.slice(i, i + 500)), kind: 'agent' }, select: { hash: true, expiresAt: true } });
      for (const row of rows) expiries.set(row.hash, row.expiresAt);
    }
    return expiries;
  }

  /** When a credential stops working now; undefined when it is gone (revoked). */
  async expiryOf(hash: string): Promise<Date | null | undefined> {
    const row = await this.credentials.findOneBy({ hash, kind: 'agent' });
    return row ? row.expiresAt : undefined;
  }

  /** A new credential for a cluster; the ones in use keep working until the grace period ends. */
  async rotate(cluster: string, actor: string): Promise<{ credential: string; previousExpiresAt: Date }> {
    const now = new Date();
    const previousExpiresAt = new Date(now.getTime() + this.config.credentialGraceSeconds * 1000);
    for (const row of await this.credentials.findBy({ clusterName: cluster, kind: 'agent' })) {
      if (row.expiresAt === null || row.expiresAt > previousExpiresAt) await this.credentials.update({ hash: row.hash }, { expiresAt: previousExpiresAt });
    }
    const credential = newSecretToken('flc');
    await this.credentials.insert({ hash: hashSecret(credential), clusterName: cluster, kind: 'agent', createdAt: now, expiresAt: null });
    await this.audit.record({
      actor,
      action: 'cluster.credential.rotate',
      target: `cluster/${cluster}`,
      result: 'success',
      details: { previousExpiresAt: previousExpiresAt.toISOString() },
    });
    this.changes.next({ cluster, type: 'rotated' });
    return { credential, previousExpiresAt };
  }

  /** Revokes every credential and join token of a cluster at once; its open stream is closed. */
  async revoke(cluster: string, actor: string): Promise<number> {
    const result = await this.credentials.delete({ clusterName: cluster });
    await this.audit.record({ actor, action: 'cluster.credential.delete', target: `cluster/${cluster}`, result: 'success', details: { revoked: result.affected ?? 0 } });
    this.changes.next({ cluster, type: 'revoked' });
    return result.affected ?? 0;
  }

  /** Forgets the credentials of a removed cluster. */
  async forget(cluster: string): Promise<void> {
    await this.credentials.delete({ clusterName: cluster });
  }
}

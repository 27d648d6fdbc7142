import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FlotillaError, type LabelSelector, matchesLabelSelector } from '@flotilla/core';
import { In, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { decodeContinue, type Page, toPage } from '../common/page.js';
import { SqlParameters } from '../database/sql-parameters.js';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import { REPLICA, type Replica } from '../replicas/replica.js';
import { ClusterEvents } from './cluster-events.js';
import { Cluster } from './cluster.entity.js';
import type { CreateClusterBody, UpdateClusterBody } from '@flotilla/api';

/** Filters of a cluster listing. */
export interface ClusterQuery {
  selector?: LabelSelector;
  limit: number;
  continue?: string;
}

/** Heartbeats written per statement: three bound values each, well under SQLite's and PostgreSQL's limits. */
const HEARTBEAT_CHUNK = 500;

/** Registers clusters, keeps their labels, and tells the fleet when they change. */
@Injectable()
export class ClustersService {
  constructor(
    @InjectRepository(Cluster) private readonly clusters: Repository<Cluster>,
    private readonly events: ClusterEvents,
    private readonly audit: AuditService,
    private readonly credentials: ClusterCredentials,
    @Inject(REPLICA) private readonly replica: Replica,
  ) {}

  /** Registers a cluster; returns it with its join token, which is shown this once and stored hashed. */
  async create(body: CreateClusterBody, actor: string): Promise<{ cluster: Cluster; joinToken: string }> {
    if (await this.clusters.existsBy({ name: body.name })) {
      throw new FlotillaError('ALREADY_EXISTS', `cluster "${body.name}" already exists`, { data: { cluster: body.name } });
    }
    const now = new Date();
    const cluster = this.clusters.create({
      name: body.name,
      labels: body.labels,
      connected: false,
      lastHeartbeatAt: null,
      agentVersion: '',
      kubernetesVersion: '',
      createdAt: now,
      updatedAt: now,
    });
    await this.clusters.insert(cluster);
    const { joinToken } = await this.credentials.issueJoinToken(cluster.name);
    await this.audit.record({ actor, action: 'cluster.create', target: `cluster/${cluster.name}`, result: 'success', details: { labels: body.labels } });
    this.events.publish({ kind: 'cluster', type: 'registered', cluster });
    return { cluster, joinToken };
  }

  /** Lists clusters by name, filtered by a label selector. */
  async list(query: ClusterQuery): Promise<Page<Cluster>> {
    const after = decodeContinue(query.continue);
    // Label selectors are matched here rather than in SQL: labels are JSON, and fleets are thousands, not millions.
    const rows = await this.clusters.find({ where: after === undefined ? {} : { name: MoreThan(after) }, order: { name: 'ASC' } });
    const matching = query.selector ? rows.filter((c) => matchesLabelSelector(query.selector as LabelSelector, c.labels)) : rows;
    return toPage(matching.slice(0, query.limit + 1), query.limit, (c) => c.name);
  }

  /** Every cluster (for target computation). */
  all(): Promise<Cluster[]> {
    return this.clusters.find({ order: { name: 'ASC' } });
  }

  /** Clusters by name (those that exist). */
  findMany(names: readonly string[]): Promise<Cluster[]> {
    return names.length === 0 ? Promise.resolve([]) : this.clusters.findBy({ name: In([...names]) });
  }

  /** How many clusters there are. */
  count(): Promise<number> {
    return this.clusters.count();
  }

  /** How many clusters have their agent connected (to any hub replica). */
  countConnected(): Promise<number> {
    return this.clusters.countBy({ connected: true });
  }

  /** One cluster; NOT_FOUND when unknown. */
  async get(name: string): Promise<Cluster> {
    const cluster = await this.clusters.findOneBy({ name });
    if (!cluster) throw new FlotillaError('NOT_FOUND', `cluster "${name}" not found`, { data: { cluster: name } });
    return cluster;
  }

  /**
   * Changes when a cluster is registered, relabelled or removed (its count and latest update): what a replica reads
   * to know whether the clusters it read a moment ago are still the ones that exist.
   */
  async fingerprint(): Promise<string> {
    const row = await this.clusters.createQueryBuilder('c').select('COUNT(*)', 'n').addSelect('MAX(c.updatedAt)', 'at').getRawOne<{ n: string | number; at: string | number | null }>();
    return `${row?.n ?? 0}/${row?.at ?? ''}`;
  }

  /** One cluster, or null when unknown. */
  find(name: string): Promise<Cluster | null> {
    return this.clusters.findOneBy({ name });
  }

  /** Replaces a cluster's labels. */
  async update(name: string, body: UpdateClusterBody, actor: string): Promise<Cluster> {
    const cluster = await this.get(name);
    cluster.labels = body.labels;
    cluster.updatedAt = new Date();
    await this.clusters.update({ name }, { labels: cluster.labels, updatedAt: cluster.updatedAt });
    await this.audit.record({ actor, action: 'cluster.update', target: `cluster/${name}`, result: 'success', details: { labels: body.labels } });
    this.events.publish({ kind: 'cluster', type: 'updated', cluster });
    return cluster;
  }

  /** Removes a cluster; its agent can no longer connect. */
  async remove(name: string, actor: string): Promise<void> {
    const cluster = await this.get(name);
    await this.clusters.delete({ name });
    await this.credentials.forget(name);
    await this.audit.record({ actor, action: 'cluster.delete', target: `cluster/${name}`, result: 'success' });
    this.events.publish({ kind: 'cluster', type: 'removed', cluster });
  }

  /**
   * Records an agent's connection state and what it reported about itself. A connection makes this replica the one
   * holding the cluster's stream; a disconnection is recorded only while this replica still holds it (an agent that
   * already reconnected to another replica stays connected), and returns null (publishing nothing) otherwise.
   */
  async setConnection(name: string, state: { connected: boolean; agentVersion?: string; kubernetesVersion?: string; heartbeatAt?: Date }): Promise<Cluster | null> {
    const patch: Partial<Cluster> = { connected: state.connected, replica: state.connected ? this.replica.id : null };
    if (state.agentVersion !== undefined) patch.agentVersion = state.agentVersion;
    if (state.kubernetesVersion !== undefined) patch.kubernetesVersion = state.kubernetesVersion;
    if (state.heartbeatAt) patch.lastHeartbeatAt = state.heartbeatAt;
    const result = await this.clusters.update(state.connected ? { name } : { name, replica: this.replica.id }, patch);
    if (!state.connected && result.affected === 0) return null;
    // Read at once, not batched with other connections: the event goes out right after the write it tells of.
    const cluster = await this.clusters.findOneBy({ name });
    if (cluster) this.events.publish({ kind: 'cluster', type: state.connected ? 'connected' : 'disconnected', cluster });
    return cluster;
  }

  /**
   * Records heartbeats of many clusters, batched by the caller: one statement per {@link HEARTBEAT_CHUNK} clusters
   * (about 1,000 heartbeats a second at 10,000 agents with 10 s heartbeats), only of streams this replica holds.
   */
  async recordHeartbeats(beats: Map<string, Date>): Promise<void> {
    const { driver } = this.clusters.manager.connection;
    const column = (name: string): string => driver.escape(this.clusters.metadata.findColumnWithPropertyName(name)?.databaseName ?? name);
    const entries = [...beats];
    const table = driver.escape(this.clusters.metadata.tableName);
    for (let i = 0; i < entries.length; i += HEARTBEAT_CHUNK) {
      const parameters = new SqlParameters(driver);
      const values = entries
        .slice(i, i + HEARTBEAT_CHUNK)
        .map(([name, at]) => `(${parameters.add(name)}, CAST(${parameters.add(at.getTime())} AS BIGINT))`)
        .join(', ');
      // UPDATE … FROM (VALUES …): both databases name the columns of VALUES column1, column2.
      await this.clusters.query(
        `UPDATE ${table} SET ${column('lastHeartbeatAt')} = beats.column2 FROM (VALUES ${values}) AS beats WHERE ${table}.${column('name')} = beats.column1 AND ${table}.${column('replica')} = ${parameters.add(this.replica.id)}`,
        parameters.values,
      );
    }
  }

  /**
   * Marks disconnected the clusters still recorded connected whose last heartbeat is older than `before`: the replica
   * that held their streams died without saying so. Returns their names; publishes `disconnected` for each.
   */
  async disconnectSilent(before: Date): Promise<string[]> {
    const silent = await this.clusters
      .createQueryBuilder('cluster')
      .select('cluster.name', 'name')
      .where('cluster.connected = :connected', { connected: true })
      .andWhere('cluster.lastHeartbeatAt < :before', { before: before.getTime() })
      .getRawMany<{ name: string }>();
    const disconnected: string[] = [];
    for (const { name } of silent) {
      // Conditional again: a heartbeat or a reconnection written since the read keeps the cluster connected.
      const result = await this.clusters
        .createQueryBuilder()
        .update(Cluster)
        .set({ connected: false, replica: null })
        .where('name = :name', { name })
        .andWhere('connected = :connected', { connected: true })
        .andWhere('"lastHeartbeatAt" < :before', { before: before.getTime() })
        .execute();
      if (result.affected === 0) continue;
      const cluster = await this.clusters.findOneBy({ name });
      if (cluster) this.events.publish({ kind: 'cluster', type: 'disconnected', cluster });
      disconnected.push(name);
    }
    return disconnected;
  }
}

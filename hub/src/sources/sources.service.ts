import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FlotillaError, formatRevision } from '@flotilla/core';
import { In, IsNull, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { decodeContinue, decodeIdContinue, type Page, toPage } from '../common/page.js';
import { SourceEvents } from './source-events.js';
import { sourceErrorMessage } from './source-error-message.js';
import { SourceSecrets } from './source-secrets.js';
import { GitRefResolver } from './git-ref-resolver.js';
import { Revision } from './revision.entity.js';
import type { CreateSourceBody, UpdateSourceBody } from '@flotilla/api';
import { Source, type StoredGitCredentials } from './source.entity.js';

/** How a refresh was triggered. */
export type RefreshTrigger = Revision['trigger'];

/** Outcome of a refresh. */
export interface RefreshResult {
  source: Source;
  /** True when the ref moved to a commit the hub had not recorded. */
  changed: boolean;
}

/** Tracks Git sources: their refs, the commits they resolve to, and each new Revision. */
@Injectable()
export class SourcesService {
  private readonly logger = new Logger('sources');
  /** What uses sources (apps register themselves), asked before a source is removed. */
  private readonly users: Array<(source: string) => Promise<string[]>> = [];
  /** Refreshes in flight by source, so a webhook and a poll of one source do not race. */
  private readonly inFlight = new Map<string, Promise<RefreshResult>>();

  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    @InjectRepository(Revision) private readonly revisions: Repository<Revision>,
    private readonly resolver: GitRefResolver,
    private readonly events: SourceEvents,
    private readonly audit: AuditService,
    private readonly secrets: SourceSecrets,
  ) {}

  /** Adds a source and resolves its ref once (a failure is recorded, not fatal: the poller retries). */
  async create(body: CreateSourceBody, actor: string): Promise<Source> {
    if (await this.sources.existsBy({ name: body.name })) {
      throw new FlotillaError('ALREADY_EXISTS', `source "${body.name}" already exists`, { data: { source: body.name } });
    }
    this.resolver.checkUrl(body.url);
    const now = new Date();
    const source = this.sources.create({
      name: body.name,
      url: body.url,
      ref: body.ref,
      pollIntervalSeconds: body.pollIntervalSeconds,
      credentials: this.secrets.sealCredentials(body.name, body.credentials ?? null),
      webhookSecret: this.secrets.sealWebhookSecret(body.name, body.webhookSecret ?? null),
      commit: null,
      checkedAt: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.sources.insert(source);
    await this.audit.record({ actor, action: 'source.create', target: `source/${source.name}`, result: 'success', details: { url: source.url, ref: source.ref } });
    this.events.publish({ kind: 'source', type: 'created', source });
    return (await this.refresh(source.name, 'create')).source;
  }

  /** Lists sources by name. */
  async list(query: { limit: number; continue?: string }): Promise<Page<Source>> {
    const after = decodeContinue(query.continue);
    const rows = await this.sources.find({ where: after === undefined ? {} : { name: MoreThan(after) }, order: { name: 'ASC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (s) => s.name);
  }

  /** Every source (for the poller). */
  all(): Promise<Source[]> {
    return this.sources.find();
  }

  /** One source; NOT_FOUND when unknown. */
  async get(name: string): Promise<Source> {
    const source = await this.sources.findOneBy({ name });
    if (!source) throw new FlotillaError('NOT_FOUND', `source "${name}" not found`, { data: { source: name } });
    return source;
  }

  /** Changes a source; a new URL or ref is resolved at once. */
  async update(name: string, body: UpdateSourceBody, actor: string): Promise<Source> {
    const source = await this.get(name);
    if (body.url !== undefined) this.resolver.checkUrl(body.url);
    const moved = (body.url !== undefined && body.url !== source.url) || (body.ref !== undefined && body.ref !== source.ref);
    if (body.url !== undefined) source.url = body.url;
    if (body.ref !== undefined) source.ref = body.ref;
    if (body.pollIntervalSeconds !== undefined) source.pollIntervalSeconds = body.pollIntervalSeconds;
    if (body.credentials !== undefined) source.credentials = this.secrets.sealCredentials(name, body.credentials);
    if (body.webhookSecret !== undefined) source.webhookSecret = this.secrets.sealWebhookSecret(name, body.webhookSecret);
    source.updatedAt = new Date();
    await this.sources.save(source);
    const changed = Object.keys(body).filter((key) => key !== 'credentials' && key !== 'webhookSecret');
    await this.audit.record({ actor, action: 'source.update', target: `source/${name}`, result: 'success', details: { changed: Object.keys(body) } });
    this.events.publish({ kind: 'source', type: 'updated', source });
    if (moved || changed.length === 0) return (await this.refresh(name, 'poll')).source;
    return source;
  }

  /** Registers what uses sources (by name), so a source in use is not removed: apps register themselves. */
  addUsers(namesUsing: (source: string) => Promise<string[]>): void {
    this.users.push(namesUsing);
  }

  /** Whether a source exists. */
  exists(name: string): Promise<boolean> {
    return this.sources.existsBy({ name });
  }

  /** One source, or null. */
  find(name: string): Promise<Source | null> {
    return this.sources.findOneBy({ name });
  }

  /** Sources by name. */
  findMany(names: readonly string[]): Promise<Source[]> {
    return names.length === 0 ? Promise.resolve([]) : this.sources.findBy({ name: In([...names]) });
  }

  /** The Git credentials of a source in clear, for the hub's own fetches (they never go to agents); null for a public or unknown source. */
  async openCredentials(name: string): Promise<StoredGitCredentials | null> {
    const source = await this.find(name);
    return source ? this.secrets.openCredentials(source) : null;
  }

  /** Removes a source; refused while apps use it. */
  async remove(name: string, actor: string): Promise<void> {
    const source = await this.get(name);
    const apps = (await Promise.all(this.users.map((namesUsing) => namesUsing(name)))).flat();
    if (apps.length > 0) {
      throw new FlotillaError('FAILED_PRECONDITION', `source "${name}" is used by apps ${apps.join(', ')}; delete or move them first`, {
        data: { source: name, apps },
      });
    }
    await this.sources.delete({ name });
    await this.revisions.delete({ sourceName: name });
    await this.audit.record({ actor, action: 'source.delete', target: `source/${name}`, result: 'success' });
    this.events.publish({ kind: 'source', type: 'removed', source });
  }

  /** Revisions of a source, newest first. */
  async listRevisions(name: string, query: { limit: number; continue?: string }): Promise<Page<Revision>> {
    await this.get(name);
    const after = decodeIdContinue(query.continue);
    const where = after === undefined ? { sourceName: name } : { sourceName: name, id: LessThan(after) };
    const rows = await this.revisions.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (r) => String(r.id));
  }

  /**
   * Resolves the source's ref now; when it points at a new commit, records the Revision and announces it.
   * Concurrent refreshes of one source share one resolution.
   */
  refresh(name: string, trigger: RefreshTrigger): Promise<RefreshResult> {
    const running = this.inFlight.get(name);
    if (running) return running;
    const work = this.resolveAndRecord(name, trigger).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, work);
    return work;
  }

  /** Sets a source's commit unless it is that already; whether this call changed it. */
  private async moveCommit(name: string, commit: string, fields: Partial<Source>): Promise<boolean> {
    for (const current of [Not(commit), IsNull()]) {
      const result = await this.sources.update({ name, commit: current }, { ...fields, commit });
      if ((result.affected ?? 0) > 0) return true;
    }
    return false;
  }

  private async resolveAndRecord(name: string, trigger: RefreshTrigger): Promise<RefreshResult> {
    const source = await this.get(name);
    const checkedAt = new Date();
    let commit: string;
    try {
      commit = await this.resolver.resolve(source);
    } catch (error) {
      const message = sourceErrorMessage(error);
      if (source.lastError !== message) this.logger.warn({ msg: 'resolving the ref of a source failed', source: name, error: (error as Error).message });
      await this.sources.update({ name }, { checkedAt, lastError: message });
      return { source: { ...source, checkedAt, lastError: message }, changed: false };
    }
    // Hub replicas may resolve one source at once: the one whose write moves the commit announces the revision.
    const changed = commit !== source.commit && (await this.moveCommit(name, commit, { checkedAt, lastError: null }));
    if (!changed) await this.sources.update({ name }, { checkedAt, lastError: null });
    const updated: Source = { ...source, checkedAt, lastError: null, commit };
    if (changed) {
      await this.revisions
        .createQueryBuilder()
        .insert()
        .values({ sourceName: name, ref: source.ref, commit, trigger, createdAt: checkedAt })
        .orIgnore()
        .execute();
      this.logger.log({ msg: 'source at a new revision', source: name, revision: formatRevision({ ref: source.ref, commit }), trigger });
      this.events.publish({ kind: 'source', type: 'revision', source: updated });
    }
    return { source: updated, changed };
  }
}

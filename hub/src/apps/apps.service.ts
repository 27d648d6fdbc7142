import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FlotillaError } from '@flotilla/core';
import { MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { decodeContinue, type Page, toPage } from '../common/page.js';
import { SourcesService } from '../sources/sources.service.js';
import { AppEvents } from './app-events.js';
import { DEFAULT_APP_POLICY } from './app-policy.js';
import { App } from './app.entity.js';
import type { CreateAppBody, UpdateAppBody } from '@flotilla/api';
import { mergePolicy } from './merge-policy.js';

/** Apps: what to deploy from which source, where, and how. */
@Injectable()
export class AppsService implements OnModuleInit {
  constructor(
    @InjectRepository(App) private readonly apps: Repository<App>,
    private readonly sources: SourcesService,
    private readonly events: AppEvents,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // A source is not removed while apps deploy from it.
    this.sources.addUsers((source) => this.namesUsingSource(source));
  }

  /** Creates an app; its targets get assignments at once. */
  async create(body: CreateAppBody, actor: string): Promise<App> {
    if (await this.apps.existsBy({ name: body.name })) {
      throw new FlotillaError('ALREADY_EXISTS', `app "${body.name}" already exists`, { data: { app: body.name } });
    }
    await this.requireSource(body.source);
    const now = new Date();
    const app = this.apps.create({
      name: body.name,
      sourceName: body.source,
      path: body.path,
      targetSelector: body.targets.selector ?? null,
      targetClusters: body.targets.clusters ?? [],
      variables: body.variables,
      defaultNamespace: body.namespace,
      policy: mergePolicy(DEFAULT_APP_POLICY, body.policy),
      policyOverrides: body.policyOverrides,
      render: { allowRemoteBases: body.render.allowRemoteBases ?? false },
      createdAt: now,
      updatedAt: now,
    });
    await this.apps.insert(app);
    await this.audit.record({ actor, action: 'app.create', target: `app/${app.name}`, result: 'success', details: { source: app.sourceName, path: app.path } });
    this.events.publish({ kind: 'app', type: 'created', app });
    return app;
  }

  /** Lists apps by name. */
  async list(query: { limit: number; continue?: string; source?: string }): Promise<Page<App>> {
    const after = decodeContinue(query.continue);
    const where = { ...(after === undefined ? {} : { name: MoreThan(after) }), ...(query.source ? { sourceName: query.source } : {}) };
    const rows = await this.apps.find({ where, order: { name: 'ASC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (a) => a.name);
  }

  /** Every app. */
  all(): Promise<App[]> {
    return this.apps.find({ order: { name: 'ASC' } });
  }

  /** One app; NOT_FOUND when unknown. */
  async get(name: string): Promise<App> {
    const app = await this.apps.findOneBy({ name });
    if (!app) throw new FlotillaError('NOT_FOUND', `app "${name}" not found`, { data: { app: name } });
    return app;
  }

  /** Changes an app; assignments of changed targets get a new generation. */
  async update(name: string, body: UpdateAppBody, actor: string): Promise<App> {
    const app = await this.get(name);
    if (body.source !== undefined) {
      await this.requireSource(body.source);
      app.sourceName = body.source;
    }
    if (body.path !== undefined) app.path = body.path;
    if (body.targets !== undefined) {
      app.targetSelector = body.targets.selector ?? null;
      app.targetClusters = body.targets.clusters ?? [];
    }
    if (body.variables !== undefined) app.variables = body.variables;
    if (body.namespace !== undefined) app.defaultNamespace = body.namespace;
    if (body.policy !== undefined) app.policy = mergePolicy(app.policy, body.policy);
    if (body.policyOverrides !== undefined) app.policyOverrides = body.policyOverrides;
    if (body.render !== undefined) app.render = { allowRemoteBases: body.render.allowRemoteBases ?? false };
    app.updatedAt = new Date();
    await this.apps.save(app);
    await this.audit.record({ actor, action: 'app.update', target: `app/${name}`, result: 'success', details: { changed: Object.keys(body) } });
    this.events.publish({ kind: 'app', type: 'updated', app });
    return app;
  }

  /** Deletes an app; its clusters are told to remove it (and prune, if its policy says so). */
  async remove(name: string, actor: string): Promise<void> {
    const app = await this.get(name);
    await this.apps.delete({ name });
    await this.audit.record({ actor, action: 'app.delete', target: `app/${name}`, result: 'success' });
    this.events.publish({ kind: 'app', type: 'removed', app });
  }

  /** One app, or null. */
  find(name: string): Promise<App | null> {
    return this.apps.findOneBy({ name });
  }

  /** Names of every app. */
  async names(): Promise<string[]> {
    return (await this.apps.find({ select: { name: true } })).map((a) => a.name);
  }

  /** Names of the apps that deploy from a source. */
  async namesUsingSource(source: string): Promise<string[]> {
    return (await this.apps.find({ where: { sourceName: source }, select: { name: true } })).map((a) => a.name);
  }

  private async requireSource(name: string): Promise<void> {
    if (!(await this.sources.exists(name))) {
      throw new FlotillaError('INVALID_ARGUMENT', `source "${name}" does not exist; create it first`, {
        data: { fields: [{ field: 'source', message: `source "${name}" does not exist` }] },
      });
    }
  }
}

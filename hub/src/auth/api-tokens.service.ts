import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FlotillaError } from '@flotilla/core';
import { MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { HUB_CONFIG } from '../common/hub-config.provider.js';
import { decodeContinue, type Page, toPage } from '../common/page.js';
import { hashSecret, newSecretToken } from '../common/secret-token.js';
import type { HubConfig } from '../config/hub-config.js';
import { ApiToken } from './api-token.entity.js';
import type { CreateTokenBody } from '@flotilla/api';
import type { Role } from './role.js';

/** Name of the admin token made from FLOTILLA_ADMIN_TOKEN or at first start. */
export const BOOTSTRAP_TOKEN_NAME = 'admin';

/** Who a valid token is, or why it was refused. */
export type TokenCheck = { name: string; role: Role } | { refused: string };

/** How often lastUsedAt is written per token at most. */
const TOUCH_INTERVAL_MS = 60_000;

/** REST API tokens with roles: created (shown once), listed, revoked, and checked on every call. */
@Injectable()
export class ApiTokensService implements OnModuleInit {
  private readonly logger = new Logger('auth');
  private readonly touched = new Map<string, number>();

  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly audit: AuditService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** Makes sure an admin can get in: the configured admin token, or a new one printed once when there is no token. */
  async onModuleInit(): Promise<void> {
    if (this.config.adminToken !== undefined) {
      await this.ensureConfiguredAdmin(this.config.adminToken);
      return;
    }
    if ((await this.tokens.count()) > 0) return;
    const token = newSecretToken('flt');
    try {
      await this.tokens.insert(this.tokens.create({ name: BOOTSTRAP_TOKEN_NAME, role: 'admin', tokenHash: hashSecret(token), createdBy: 'bootstrap', createdAt: new Date(), expiresAt: null, lastUsedAt: null }));
    } catch (error) {
      // Another replica starting on the same database made it first; it printed its token.
      if (await this.tokens.existsBy({ name: BOOTSTRAP_TOKEN_NAME })) return;
      throw error;
    }
    await this.audit.record({ actor: 'system', action: 'token.create', target: `token/${BOOTSTRAP_TOKEN_NAME}`, result: 'success', details: { role: 'admin', bootstrap: true } });
    this.logger.warn('created the first admin API token; it is printed once on stderr');
    // Not a log line: logs are kept and shipped, and this secret must be seen once and stored by a person.
    process.stderr.write(
      `\nFlotilla hub: the first admin API token, shown only this once (store it now):\n\n    ${token}\n\n` +
        'Send it as "Authorization: Bearer <token>"; create tokens with roles with POST /api/v1/tokens.\n\n',
    );
  }

  /** Checks a presented token: unknown, revoked and expired tokens are refused. */
  async authenticate(token: string): Promise<TokenCheck> {
    const row = await this.tokens.findOneBy({ tokenHash: hashSecret(token) });
    if (!row) return { refused: 'unknown or revoked API token' };
    if (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now()) return { refused: `API token "${row.name}" expired at ${row.expiresAt.toISOString()}` };
    this.touch(row.name);
    return { name: row.name, role: row.role };
  }

  /** Creates a token; the answer holds the token, shown only this once. */
  async create(body: CreateTokenBody, actor: string): Promise<{ token: ApiToken; secret: string }> {
    if (await this.tokens.existsBy({ name: body.name })) {
      throw new FlotillaError('ALREADY_EXISTS', `API token "${body.name}" already exists`, { data: { token: body.name } });
    }
    const secret = newSecretToken('flt');
    const token = this.tokens.create({
      name: body.name,
      role: body.role,
      tokenHash: hashSecret(secret),
      createdBy: actor,
      createdAt: new Date(),
      expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
      lastUsedAt: null,
    });
    await this.tokens.insert(token);
    await this.audit.record({ actor, action: 'token.create', target: `token/${token.name}`, result: 'success', details: { role: token.role, expiresAt: body.expiresAt ?? null } });
    return { token, secret };
  }

  /** Lists tokens by name. */
  async list(query: { limit: number; continue?: string }): Promise<Page<ApiToken>> {
    const after = decodeContinue(query.continue);
    const rows = await this.tokens.find({ where: after === undefined ? {} : { name: MoreThan(after) }, order: { name: 'ASC' }, take: query.limit + 1 });
    return toPage(rows, query.limit, (t) => t.name);
  }

  /** One token; NOT_FOUND when unknown. */
  async get(name: string): Promise<ApiToken> {
    const token = await this.tokens.findOneBy({ name });
    if (!token) throw new FlotillaError('NOT_FOUND', `API token "${name}" not found`, { data: { token: name } });
    return token;
  }

  /** Revokes a token at once; the last admin token cannot go (nobody could manage tokens any more). */
  async remove(name: string, actor: string): Promise<void> {
    const token = await this.get(name);
    if (token.role === 'admin' && (await this.tokens.countBy({ role: 'admin' })) <= 1) {
      throw new FlotillaError('FAILED_PRECONDITION', `API token "${name}" is the last admin token; create another admin token first`, { data: { token: name } });
    }
    await this.tokens.delete({ name });
    this.touched.delete(name);
    await this.audit.record({ actor, action: 'token.delete', target: `token/${name}`, result: 'success', details: { role: token.role } });
  }

  private async ensureConfiguredAdmin(secret: string): Promise<void> {
    const tokenHash = hashSecret(secret);
    const existing = await this.tokens.findOneBy({ name: BOOTSTRAP_TOKEN_NAME });
    if (existing?.tokenHash === tokenHash && existing.role === 'admin' && existing.expiresAt === null) return;
    if (existing) await this.tokens.delete({ name: BOOTSTRAP_TOKEN_NAME });
    // The same secret under another name would break the unique hash: that token becomes the admin one.
    await this.tokens.delete({ tokenHash });
    try {
      await this.tokens.insert(this.tokens.create({ name: BOOTSTRAP_TOKEN_NAME, role: 'admin', tokenHash, createdBy: 'config', createdAt: new Date(), expiresAt: null, lastUsedAt: null }));
    } catch (error) {
      // Another replica starting with the same setting made it first: nothing is left to do.
      const made = await this.tokens.findOneBy({ name: BOOTSTRAP_TOKEN_NAME });
      if (made?.tokenHash === tokenHash && made.role === 'admin' && made.expiresAt === null) return;
      throw error;
    }
    await this.audit.record({ actor: 'system', action: 'token.create', target: `token/${BOOTSTRAP_TOKEN_NAME}`, result: 'success', details: { role: 'admin', from: 'FLOTILLA_ADMIN_TOKEN' } });
  }

  private touch(name: string): void {
    const now = Date.now();
    if ((this.touched.get(name) ?? 0) > now - TOUCH_INTERVAL_MS) return;
    this.touched.set(name, now);
    void this.tokens.update({ name }, { lastUsedAt: new Date(now) }).catch((error: Error) => this.logger.warn({ msg: 'recording the use of an API token failed', token: name, error: error.message }));
  }
}

import { Controller, HttpCode, Param, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import { OPERATIONS, type WebhookResultView } from '@flotilla/api';
import { FlotillaError, formatRevision } from '@flotilla/core';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { Public } from '../auth/require-role.decorator.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { SourceSecrets } from './source-secrets.js';
import { SourcesService } from './sources.service.js';
import { WebhookLimits } from './webhook-limits.js';
import { webhookHostOf } from './webhook-hosts.js';

/** How long a webhook call waits for the refresh before answering 202 and letting it finish in the background. */
const WAIT_FOR_REFRESH_MS = 5_000;

/**
 * POST /api/v1/webhooks/{source}: push events of GitHub, GitLab, Gitea/Forgejo and Bitbucket Cloud, each proved
 * with the source's webhook secret the way its host does (`webhook-hosts.ts`); other events are ignored.
 */
@Public()
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly sources: SourcesService,
    private readonly audit: AuditService,
    private readonly secrets: SourceSecrets,
    private readonly limits: WebhookLimits,
  ) {}

  @Post(':source')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.receiveWebhook)
  async receive(
    @Param('source') name: string,
    @Req() request: RawBodyRequest<Request>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookResultView> {
    const host = webhookHostOf(request.headers);
    const event = host.event(request.headers);
    const deliveryId = host.deliveryId(request.headers);
    const actor = `webhook:${name}`;
    const fail = async (reason: string, error: FlotillaError): Promise<never> => {
      await this.audit.record({ actor, action: 'source.webhook', target: `source/${name}`, result: 'failure', details: { reason, code: error.code } });
      throw error;
    };
    try {
      this.limits.checkRate(name, request.ip ?? 'unknown');
    } catch (error) {
      response.setHeader('retry-after', String((error as FlotillaError).data.retryAfterSeconds ?? 60));
      throw error;
    }
    const source = await this.sources.get(name);
    const secret = this.secrets.openWebhookSecret(source);
    if (!secret) {
      throw new FlotillaError('FAILED_PRECONDITION', `source "${name}" has no webhook secret; set one to accept webhooks`, { data: { source: name } });
    }
    const body = request.rawBody ?? Buffer.alloc(0);
    if (!host.verify(secret, body, request.headers)) {
      const error = new FlotillaError('UNAUTHENTICATED', `webhook for source "${name}": missing or wrong ${host.proofHeader}`, { data: { source: name, host: host.host } });
      await fail('bad signature', error);
    }
    let admitted: string[] = [];
    try {
      admitted = await this.limits.admit(name, deliveryId, body, host.deliveryHeader);
    } catch (error) {
      await fail((error as FlotillaError).code === 'CONFLICT' ? 'replay' : 'bad delivery id', error as FlotillaError);
    }
    if (event.kind === 'ping') return { status: 'pong' };
    if (event.kind === 'other') return { status: 'ignored', reason: `${host.host} event ${event.name ?? '(none)'} is not a push` };
    const pushedRefs = host.pushedRefs(request.body);
    const pushedRef = pushedRefs.find((ref) => refMatches(source.ref, ref));
    if (pushedRefs.length > 0 && pushedRef === undefined) {
      return { status: 'ignored', reason: `push to ${pushedRefs.join(', ')}, source follows ${source.ref}` };
    }
    const refresh = this.sources.refresh(name, 'webhook');
    const outcome = await Promise.race([refresh, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), WAIT_FOR_REFRESH_MS).unref())]);
    await this.audit.record({ actor, action: 'source.webhook', target: `source/${name}`, result: 'success', details: { host: host.host, ref: pushedRef ?? null, deliveryId: deliveryId ?? null } });
    if (!outcome) {
      response.status(202);
      return { status: 'refreshing' };
    }
    const { source: refreshed, changed } = outcome;
    if (refreshed.lastError) {
      await this.limits.forget(admitted);
      throw new FlotillaError('UNAVAILABLE', `source "${name}" could not be resolved: ${refreshed.lastError}`);
    }
    return { status: changed ? 'updated' : 'unchanged', revision: formatRevision({ ref: refreshed.ref, commit: refreshed.commit as string }) };
  }
}

/** Whether a pushed ref (`refs/heads/main`) is the one a source follows (`main` or `refs/heads/main`). */
function refMatches(followed: string, pushed: string): boolean {
  return pushed === followed || pushed === `refs/heads/${followed}` || pushed === `refs/tags/${followed}`;
}

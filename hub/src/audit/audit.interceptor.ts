import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { AnonymousAuditLimit } from './anonymous-audit-limit.js';
import { auditScope, type AuditScope } from './audit-scope.js';
import { AuditService } from './audit.service.js';
import { describeRestCall, isMutating, type RestCall } from './describe-rest-call.js';

/**
 * Makes sure every mutating REST call is in the audit log: a handler whose service recorded the call (with its own
 * details) is left alone; any other call, and every call that failed, is recorded here with actor, action, target and
 * result. Calls refused before they reach a handler (no or a bad token) are recorded by the AuthGuard.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly anonymous: AnonymousAuditLimit,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    if (!isMutating(request.method)) return next.handle();
    const scope: AuditScope = { recorded: false };
    return auditScope.run(scope, () =>
      next.handle().pipe(
        mergeMap(async (value: unknown) => {
          await this.recordUnlessDone(request, scope, undefined);
          return value;
        }),
        catchError((error: unknown) => from(this.recordUnlessDone(request, scope, error)).pipe(mergeMap(() => throwError(() => error)))),
      ),
    );
  }

  private async recordUnlessDone(request: AuditedRequest, scope: AuditScope, error: unknown): Promise<void> {
    if (scope.recorded) return;
    scope.recorded = true;
    // A call refused by a rate limit did nothing, and recording each would defeat the limit.
    if (FlotillaError.is(error, 'RESOURCE_EXHAUSTED') && error.data.retryAfterSeconds !== undefined) return;
    if (error !== undefined && request.actor === undefined && !this.anonymous.allows(request.ip)) return;
    const { action, target } = describeRestCall(request);
    const details = error === undefined ? {} : { code: FlotillaError.is(error) ? error.code : 'INTERNAL', message: messageOf(error) };
    await this.audit.record({ actor: request.actor ?? 'anonymous', action, target, result: error === undefined ? 'success' : 'failure', details });
  }
}

type AuditedRequest = RestCall & { actor?: string; ip?: string };

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

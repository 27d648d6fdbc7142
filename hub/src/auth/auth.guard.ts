import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FlotillaError } from '@flotilla/core';
import type { Request } from 'express';
import { AnonymousAuditLimit } from '../audit/anonymous-audit-limit.js';
import { AuditService } from '../audit/audit.service.js';
import { describeRestCall, isMutating } from '../audit/describe-rest-call.js';
import { ApiTokensService } from './api-tokens.service.js';
import { bearerToken } from './bearer-token.js';
import { IS_PUBLIC, REQUIRED_ROLE } from './require-role.decorator.js';
import { hasRole, type Role } from './role.js';

/** A request once authenticated: `actor` feeds the audit log (`token:<name>`). */
export type AuthenticatedRequest = Request & { actor?: string; role?: Role };

/**
 * The global REST guard: every route under /api needs `Authorization: Bearer <API token>` with the role the route
 * requires (RequireRole; by default viewer for reads, admin for the rest). Routes marked Public, and everything outside
 * /api (probes, metrics), are open. A refused mutating call is recorded in the audit log.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly audit: AuditService,
    private readonly anonymous: AnonymousAuditLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) || !request.path.startsWith('/api/')) return true;
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (isMutating(request.method) ? 'admin' : 'viewer');
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      return this.refuse(request, new FlotillaError('UNAUTHENTICATED', 'missing API token: send "Authorization: Bearer <token>"'));
    }
    const check = await this.tokens.authenticate(token);
    if ('refused' in check) return this.refuse(request, new FlotillaError('UNAUTHENTICATED', check.refused));
    request.actor = `token:${check.name}`;
    request.role = check.role;
    if (!hasRole(check.role, required)) {
      return this.refuse(
        request,
        new FlotillaError('PERMISSION_DENIED', `API token "${check.name}" has role ${check.role}; ${request.method} ${request.path} needs ${required}`, {
          data: { role: check.role, required },
        }),
      );
    }
    return true;
  }

  private async refuse(request: AuthenticatedRequest, error: FlotillaError): Promise<never> {
    if (isMutating(request.method) && (request.actor !== undefined || this.anonymous.allows(request.ip))) {
      const { action, target } = describeRestCall(request);
      await this.audit.record({ actor: request.actor ?? 'anonymous', action, target, result: 'failure', details: { code: error.code, message: error.message } });
    }
    throw error;
  }
}

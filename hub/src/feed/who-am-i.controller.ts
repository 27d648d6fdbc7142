import { Controller, Get, Req } from '@nestjs/common';
import { OPERATIONS, type WhoAmIView } from '@flotilla/api';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';

/** GET /api/v1/whoami: the caller's token and role, so a UI offers only what the token may do. */
@Controller('api/v1/whoami')
export class WhoAmIController {
  @Get()
  @ApiOperationOf(OPERATIONS.whoAmI)
  whoAmI(@Req() request: AuthenticatedRequest): WhoAmIView {
    return { token: (request.actor ?? '').replace(/^token:/, ''), role: request.role ?? 'viewer' };
  }
}

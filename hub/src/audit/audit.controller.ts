import { Controller, Get, Query } from '@nestjs/common';
import { type AuditEventPage, type AuditQuery, auditQuerySchema, OPERATIONS } from '@flotilla/api';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toAuditEventView } from './audit-event-view.js';
import { AuditService } from './audit.service.js';

/** GET /api/v1/audit. */
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperationOf(OPERATIONS.listAuditEvents)
  async list(@Query(new ZodPipe(auditQuerySchema, 'query')) query: AuditQuery): Promise<AuditEventPage> {
    const page = await this.audit.list(query);
    return { ...page, items: page.items.map(toAuditEventView) };
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { AuditService } from './audit.service.js';

const auditQuerySchema = pageQuerySchema.extend({
  actor: z.string().max(255).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(255).optional(),
});

/** GET /api/v1/audit. */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'List audit events, newest first (filter by actor, action, target)' })
  list(@Query(new ZodPipe(auditQuerySchema, 'query')) query: z.infer<typeof auditQuerySchema>) {
    return this.audit.list(query);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { type DriftPage, type DriftQuery, driftQuerySchema, OPERATIONS } from '@flotilla/api';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toDriftView } from './drift-view.js';
import { DriftService } from './drift.service.js';

/** /api/v1/drift: what differs from Git in the fleet right now. */
@Controller('api/v1/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Get()
  @ApiOperationOf(OPERATIONS.listDrift)
  async list(@Query(new ZodPipe(driftQuerySchema, 'query')) query: DriftQuery): Promise<DriftPage> {
    const page = await this.drift.list(query);
    return { ...page, items: page.items.map(toDriftView) };
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toDriftView } from './drift-view.js';
import { DriftService } from './drift.service.js';

const driftQuerySchema = pageQuerySchema.extend({
  app: z.string().max(63).optional(),
  cluster: z.string().max(63).optional(),
  kind: z.string().max(63).optional(),
  namespace: z.string().max(63).optional(),
});

/** /api/v1/drift: what differs from Git in the fleet right now. */
@ApiTags('drift')
@Controller('api/v1/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Get()
  @ApiOperation({ summary: 'Drifted objects (filter by app, cluster, kind, namespace): fields, values, who changed them, what the agent did' })
  async list(@Query(new ZodPipe(driftQuerySchema, 'query')) query: z.infer<typeof driftQuerySchema>) {
    const page = await this.drift.list(query);
    return { ...page, items: page.items.map(toDriftView) };
  }
}

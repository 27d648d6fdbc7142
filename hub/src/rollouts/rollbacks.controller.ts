import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OPERATIONS, type PinListView, type RollbackBody, rollbackSchema, type RolloutDetailView, type UnpinBody, type UnpinResultView, unpinSchema } from '@flotilla/api';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { RollbacksService } from './rollbacks.service.js';
import { toRolloutDetailView } from './rollout-view.js';

/** Rollback, pins and unpin of an app: /api/v1/apps/{app}/rollback, /pins, /unpin. */
@Controller('api/v1/apps')
export class RollbacksController {
  constructor(private readonly rollbacks: RollbacksService) {}

  @Post(':name/rollback')
  @RequireRole('operator')
  @ApiOperationOf(OPERATIONS.rollbackApp)
  async rollback(@Param('name') name: string, @Body(new ZodPipe(rollbackSchema)) body: RollbackBody, @Actor() actor: string): Promise<RolloutDetailView> {
    const { rollout, rows } = await this.rollbacks.rollback(name, body, actor);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':name/unpin')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.unpinApp)
  unpin(@Param('name') name: string, @Body(new ZodPipe(unpinSchema)) body: UnpinBody, @Actor() actor: string): Promise<UnpinResultView> {
    return this.rollbacks.unpin(name, body, actor);
  }

  @Get(':name/pins')
  @ApiOperationOf(OPERATIONS.listAppPins)
  async pins(@Param('name') name: string): Promise<PinListView> {
    return { app: name, items: await this.rollbacks.pins(name) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { RollbacksService } from './rollbacks.service.js';
import { toRolloutDetailView } from './rollout-view.js';
import { type RollbackBody, rollbackSchema, type UnpinBody, unpinSchema } from './rollouts.schemas.js';

/** Rollback, pins and unpin of an app: /api/v1/apps/{app}/rollback, /pins, /unpin. */
@ApiTags('rollouts')
@Controller('api/v1/apps')
export class RollbacksController {
  constructor(private readonly rollbacks: RollbacksService) {}

  @Post(':name/rollback')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Roll clusters of an app back to a revision from its history (default: the last healthy one before the current) and pin them there',
  })
  @ApiZodBody(rollbackSchema)
  async rollback(@Param('name') name: string, @Body(new ZodPipe(rollbackSchema)) body: RollbackBody, @Actor() actor: string) {
    const { rollout, rows } = await this.rollbacks.rollback(name, body, actor);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':name/unpin')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unpin clusters of an app (default: all) so that they follow its branch again, through a rollout' })
  @ApiZodBody(unpinSchema)
  unpin(@Param('name') name: string, @Body(new ZodPipe(unpinSchema)) body: UnpinBody, @Actor() actor: string) {
    return this.rollbacks.unpin(name, body, actor);
  }

  @Get(':name/pins')
  @ApiOperation({ summary: 'Clusters of an app pinned at a revision' })
  async pins(@Param('name') name: string) {
    return { app: name, items: await this.rollbacks.pins(name) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OPERATIONS, type RolloutActionBody, rolloutActionSchema, type RolloutDetailView, type RolloutListQuery, rolloutListQuerySchema, type RolloutPage } from '@flotilla/api';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { IdPipe } from '../common/id.pipe.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toRolloutDetailView, toRolloutView } from './rollout-view.js';
import { RolloutsService } from './rollouts.service.js';

/** /api/v1/rollouts: apps moving to a revision, wave by wave; pause, resume, abort. */
@Controller('api/v1/rollouts')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutsService) {}

  @Get()
  @ApiOperationOf(OPERATIONS.listRollouts)
  async list(@Query(new ZodPipe(rolloutListQuerySchema, 'query')) query: RolloutListQuery): Promise<RolloutPage> {
    const page = await this.rollouts.list(query);
    return { ...page, items: page.items.map(({ rollout, rows }) => toRolloutView(rollout, rows)) };
  }

  @Get(':id')
  @ApiOperationOf(OPERATIONS.getRollout)
  async get(@Param('id', IdPipe) id: number): Promise<RolloutDetailView> {
    const { rollout, rows } = await this.rollouts.get(id);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/pause')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.pauseRollout)
  async pause(@Param('id', IdPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string): Promise<RolloutDetailView> {
    const { rollout, rows } = await this.rollouts.pause(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/resume')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.resumeRollout)
  async resume(@Param('id', IdPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string): Promise<RolloutDetailView> {
    const { rollout, rows } = await this.rollouts.resume(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/abort')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperationOf(OPERATIONS.abortRollout)
  async abort(@Param('id', IdPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string): Promise<RolloutDetailView> {
    const { rollout, rows } = await this.rollouts.abort(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }
}

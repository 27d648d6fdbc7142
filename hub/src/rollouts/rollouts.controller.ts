import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toRolloutDetailView, toRolloutView } from './rollout-view.js';
import { type RolloutActionBody, rolloutActionSchema, type RolloutListQuery, rolloutListQuerySchema } from './rollouts.schemas.js';
import { RolloutsService } from './rollouts.service.js';

/** /api/v1/rollouts: apps moving to a revision, wave by wave; pause, resume, abort. */
@ApiTags('rollouts')
@Controller('api/v1/rollouts')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutsService) {}

  @Get()
  @ApiOperation({ summary: 'List rollouts, newest first (filter by app and state), with their progress' })
  async list(@Query(new ZodPipe(rolloutListQuerySchema, 'query')) query: RolloutListQuery) {
    const page = await this.rollouts.list(query);
    return { ...page, items: page.items.map(({ rollout, rows }) => toRolloutView(rollout, rows)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a rollout: its waves, the state of each cluster, progress' })
  async get(@Param('id', ParseIntPipe) id: number) {
    const { rollout, rows } = await this.rollouts.get(id);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/pause')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a progressing rollout: no more clusters start; those under way finish' })
  @ApiZodBody(rolloutActionSchema)
  async pause(@Param('id', ParseIntPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string) {
    const { rollout, rows } = await this.rollouts.pause(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/resume')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused or halted rollout (the failed clusters of a halted one are judged again)' })
  @ApiZodBody(rolloutActionSchema)
  async resume(@Param('id', ParseIntPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string) {
    const { rollout, rows } = await this.rollouts.resume(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }

  @Post(':id/abort')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Abort a rollout: no more clusters start; every cluster keeps what it has' })
  @ApiZodBody(rolloutActionSchema)
  async abort(@Param('id', ParseIntPipe) id: number, @Body(new ZodPipe(rolloutActionSchema)) body: RolloutActionBody, @Actor() actor: string) {
    const { rollout, rows } = await this.rollouts.abort(id, actor, body.reason);
    return toRolloutDetailView(rollout, rows);
  }
}

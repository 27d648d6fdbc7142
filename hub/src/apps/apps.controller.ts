import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toAppView } from './app-view.js';
import { type CreateAppBody, createAppSchema, type UpdateAppBody, updateAppSchema } from './apps.schemas.js';
import { AppsService } from './apps.service.js';

const listQuerySchema = pageQuerySchema.extend({ source: z.string().max(63).optional() });

/** /api/v1/apps: what to deploy, from which source, to which clusters, and how. */
@ApiTags('apps')
@Controller('api/v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an app; its target clusters get assignments' })
  @ApiZodBody(createAppSchema)
  async create(@Body(new ZodPipe(createAppSchema)) body: CreateAppBody, @Actor() actor: string) {
    return toAppView(await this.apps.create(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'List apps (filter by source)' })
  async list(@Query(new ZodPipe(listQuerySchema, 'query')) query: z.infer<typeof listQuerySchema>) {
    const page = await this.apps.list(query);
    return { ...page, items: page.items.map(toAppView) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get an app' })
  async get(@Param('name') name: string) {
    return toAppView(await this.apps.get(name));
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change an app (policy fields merge; other fields given replace)' })
  @ApiZodBody(updateAppSchema)
  async update(@Param('name') name: string, @Body(new ZodPipe(updateAppSchema)) body: UpdateAppBody, @Actor() actor: string) {
    return toAppView(await this.apps.update(name, body, actor));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an app; its clusters remove it (pruning when its policy says so)' })
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.apps.remove(name, actor);
  }
}

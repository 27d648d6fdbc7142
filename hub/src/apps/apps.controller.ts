import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type AppListQuery,
  appListQuerySchema,
  type AppPage,
  type AppView,
  type CreateAppBody,
  createAppSchema,
  OPERATIONS,
  type UpdateAppBody,
  updateAppSchema,
} from '@flotilla/api';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toAppView } from './app-view.js';
import { AppsService } from './apps.service.js';
import { RenderStatus } from '../rendering/render-status.js';

/** /api/v1/apps: what to deploy, from which source, to which clusters, and how. */
@Controller('api/v1/apps')
export class AppsController {
  constructor(
    private readonly apps: AppsService,
    private readonly renders: RenderStatus,
  ) {}

  @Post()
  @ApiOperationOf(OPERATIONS.createApp)
  async create(@Body(new ZodPipe(createAppSchema)) body: CreateAppBody, @Actor() actor: string): Promise<AppView> {
    const app = await this.apps.create(body, actor);
    return toAppView(app, this.renders.of(app.name));
  }

  @Get()
  @ApiOperationOf(OPERATIONS.listApps)
  async list(@Query(new ZodPipe(appListQuerySchema, 'query')) query: AppListQuery): Promise<AppPage> {
    const page = await this.apps.list(query);
    return { ...page, items: page.items.map((app) => toAppView(app, this.renders.of(app.name))) };
  }

  @Get(':name')
  @ApiOperationOf(OPERATIONS.getApp)
  async get(@Param('name') name: string): Promise<AppView> {
    return toAppView(await this.apps.get(name), this.renders.of(name));
  }

  @Patch(':name')
  @ApiOperationOf(OPERATIONS.updateApp)
  async update(@Param('name') name: string, @Body(new ZodPipe(updateAppSchema)) body: UpdateAppBody, @Actor() actor: string): Promise<AppView> {
    return toAppView(await this.apps.update(name, body, actor), this.renders.of(name));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperationOf(OPERATIONS.deleteApp)
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.apps.remove(name, actor);
  }
}

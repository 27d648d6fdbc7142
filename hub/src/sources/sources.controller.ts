import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type CreateSourceBody,
  OPERATIONS,
  type PageQuery,
  pageQuerySchema,
  type RefreshedSourceView,
  type RevisionPage,
  type SourcePage,
  type SourceView,
  type UpdateSourceBody,
} from '@flotilla/api';
import { AppsService } from '../apps/apps.service.js';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { checkedCreateSourceSchema, checkedUpdateSourceSchema } from './checked-source-schemas.js';
import { toRevisionView, toSourceView } from './source-view.js';
import { SourcesService } from './sources.service.js';

/** /api/v1/sources: Git repositories and refs the hub tracks. */
@Controller('api/v1/sources')
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly apps: AppsService,
  ) {}

  @Post()
  @ApiOperationOf(OPERATIONS.createSource)
  async create(@Body(new ZodPipe(checkedCreateSourceSchema)) body: CreateSourceBody, @Actor() actor: string): Promise<SourceView> {
    return toSourceView(await this.sources.create(body, actor));
  }

  @Get()
  @ApiOperationOf(OPERATIONS.listSources)
  async list(@Query(new ZodPipe(pageQuerySchema, 'query')) query: PageQuery): Promise<SourcePage> {
    const page = await this.sources.list(query);
    return { ...page, items: page.items.map(toSourceView) };
  }

  @Get(':name')
  @ApiOperationOf(OPERATIONS.getSource)
  async get(@Param('name') name: string): Promise<SourceView> {
    return toSourceView(await this.sources.get(name));
  }

  @Patch(':name')
  @ApiOperationOf(OPERATIONS.updateSource)
  async update(@Param('name') name: string, @Body(new ZodPipe(checkedUpdateSourceSchema)) body: UpdateSourceBody, @Actor() actor: string): Promise<SourceView> {
    return toSourceView(await this.sources.update(name, body, actor));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperationOf(OPERATIONS.deleteSource)
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.sources.remove(name, actor, (source) => this.apps.namesUsingSource(source));
  }

  @Post(':name/refresh')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperationOf(OPERATIONS.refreshSource)
  async refresh(@Param('name') name: string): Promise<RefreshedSourceView> {
    const { source, changed } = await this.sources.refresh(name, 'poll');
    return { ...toSourceView(source), changed };
  }

  @Get(':name/revisions')
  @ApiOperationOf(OPERATIONS.listSourceRevisions)
  async revisions(@Param('name') name: string, @Query(new ZodPipe(pageQuerySchema, 'query')) query: PageQuery): Promise<RevisionPage> {
    const page = await this.sources.listRevisions(name, query);
    return { ...page, items: page.items.map(toRevisionView) };
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toRevisionView, toSourceView } from './source-view.js';
import { type CreateSourceBody, createSourceSchema, type UpdateSourceBody, updateSourceSchema } from './sources.schemas.js';
import { SourcesService } from './sources.service.js';

/** /api/v1/sources: Git repositories and refs the hub tracks. */
@ApiTags('sources')
@Controller('api/v1/sources')
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Track a Git repository and ref; resolves it once at once' })
  @ApiZodBody(createSourceSchema)
  async create(@Body(new ZodPipe(createSourceSchema)) body: CreateSourceBody, @Actor() actor: string) {
    return toSourceView(await this.sources.create(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'List sources' })
  async list(@Query(new ZodPipe(pageQuerySchema, 'query')) query: z.infer<typeof pageQuerySchema>) {
    const page = await this.sources.list(query);
    return { ...page, items: page.items.map(toSourceView) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get a source and the revision its ref resolves to' })
  async get(@Param('name') name: string) {
    return toSourceView(await this.sources.get(name));
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a source (null clears credentials or webhook secret)' })
  @ApiZodBody(updateSourceSchema)
  async update(@Param('name') name: string, @Body(new ZodPipe(updateSourceSchema)) body: UpdateSourceBody, @Actor() actor: string) {
    return toSourceView(await this.sources.update(name, body, actor));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop tracking a source (refused while apps use it)' })
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.sources.remove(name, actor);
  }

  @Post(':name/refresh')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Resolve the ref now' })
  async refresh(@Param('name') name: string) {
    const { source, changed } = await this.sources.refresh(name, 'poll');
    return { ...toSourceView(source), changed };
  }

  @Get(':name/revisions')
  @ApiOperation({ summary: 'Revisions recorded for a source, newest first' })
  async revisions(@Param('name') name: string, @Query(new ZodPipe(pageQuerySchema, 'query')) query: z.infer<typeof pageQuerySchema>) {
    const page = await this.sources.listRevisions(name, query);
    return { ...page, items: page.items.map(toRevisionView) };
  }
}

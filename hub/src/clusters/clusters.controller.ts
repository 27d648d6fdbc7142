import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseLabelSelector } from '@flotilla/core';
import { z } from 'zod';
import { Actor } from '../common/actor.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { pageQuerySchema } from '../common/page.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { toClusterView } from './cluster-view.js';
import { type CreateClusterBody, createClusterSchema, type UpdateClusterBody, updateClusterSchema } from './clusters.schemas.js';
import { ClustersService } from './clusters.service.js';

const listQuerySchema = pageQuerySchema.extend({ selector: z.string().max(1024).optional() });

/** /api/v1/clusters: register, list, label and remove clusters. */
@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiOperation({ summary: 'Register a cluster; the answer holds its join token, shown only this once' })
  @ApiZodBody(createClusterSchema)
  async create(@Body(new ZodPipe(createClusterSchema)) body: CreateClusterBody, @Actor() actor: string) {
    const { cluster, joinToken } = await this.clusters.create(body, actor);
    return { ...toClusterView(cluster), joinToken };
  }

  @Get()
  @ApiOperation({ summary: 'List clusters, filtered by a label selector (`env=prod,region in (eu,us)`)' })
  async list(@Query(new ZodPipe(listQuerySchema, 'query')) query: z.infer<typeof listQuerySchema>) {
    const selector = query.selector === undefined ? undefined : parseLabelSelector(query.selector);
    const page = await this.clusters.list({ ...query, selector });
    return { ...page, items: page.items.map(toClusterView) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get a cluster' })
  async get(@Param('name') name: string) {
    return toClusterView(await this.clusters.get(name));
  }

  @Patch(':name')
  @ApiOperation({ summary: "Replace a cluster's labels (assignments follow)" })
  @ApiZodBody(updateClusterSchema)
  async update(@Param('name') name: string, @Body(new ZodPipe(updateClusterSchema)) body: UpdateClusterBody, @Actor() actor: string) {
    return toClusterView(await this.clusters.update(name, body, actor));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a cluster; its agent can no longer connect' })
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.clusters.remove(name, actor);
  }
}

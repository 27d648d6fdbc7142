import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type ClusterListQuery,
  clusterListQuerySchema,
  type ClusterPage,
  type ClusterView,
  type CreateClusterBody,
  createClusterSchema,
  type CreatedClusterView,
  OPERATIONS,
  type UpdateClusterBody,
  updateClusterSchema,
} from '@flotilla/api';
import { parseLabelSelector } from '@flotilla/core';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { toClusterView } from './cluster-view.js';
import { ClustersService } from './clusters.service.js';

/** /api/v1/clusters: register, list, label and remove clusters. */
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiOperationOf(OPERATIONS.createCluster)
  async create(@Body(new ZodPipe(createClusterSchema)) body: CreateClusterBody, @Actor() actor: string): Promise<CreatedClusterView> {
    const { cluster, joinToken } = await this.clusters.create(body, actor);
    return { ...toClusterView(cluster), joinToken };
  }

  @Get()
  @ApiOperationOf(OPERATIONS.listClusters)
  async list(@Query(new ZodPipe(clusterListQuerySchema, 'query')) query: ClusterListQuery): Promise<ClusterPage> {
    const selector = query.selector === undefined ? undefined : parseLabelSelector(query.selector);
    const page = await this.clusters.list({ ...query, selector });
    return { ...page, items: page.items.map(toClusterView) };
  }

  @Get(':name')
  @ApiOperationOf(OPERATIONS.getCluster)
  async get(@Param('name') name: string): Promise<ClusterView> {
    return toClusterView(await this.clusters.get(name));
  }

  @Patch(':name')
  @ApiOperationOf(OPERATIONS.updateCluster)
  async update(@Param('name') name: string, @Body(new ZodPipe(updateClusterSchema)) body: UpdateClusterBody, @Actor() actor: string): Promise<ClusterView> {
    return toClusterView(await this.clusters.update(name, body, actor));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperationOf(OPERATIONS.deleteCluster)
  async remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    await this.clusters.remove(name, actor);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Cluster } from './cluster.entity.js';
import { ClustersController } from './clusters.controller.js';
import { ClustersService } from './clusters.service.js';

/** Clusters and their labels. */
@Module({ imports: [TypeOrmModule.forFeature([Cluster])], controllers: [ClustersController], providers: [ClustersService], exports: [ClustersService] })
export class ClustersModule {}

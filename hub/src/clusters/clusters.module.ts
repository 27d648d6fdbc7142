import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module.js';
import { ClusterEvents } from './cluster-events.js';
import { Cluster } from './cluster.entity.js';
import { ClustersController } from './clusters.controller.js';
import { ClusterHeartbeatTimeouts } from './cluster-heartbeat-timeouts.js';
import { ClustersService } from './clusters.service.js';

/** Clusters and their labels. */
@Module({ imports: [TypeOrmModule.forFeature([Cluster]), IdentityModule], controllers: [ClustersController], providers: [ClustersService, ClusterEvents, ClusterHeartbeatTimeouts], exports: [ClustersService, ClusterEvents] })
export class ClustersModule {}

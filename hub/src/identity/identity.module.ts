import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClusterCredential } from './cluster-credential.entity.js';
import { ClusterCredentials } from './cluster-credentials.service.js';

/** Agent identity: join tokens and cluster credentials. */
@Module({ imports: [TypeOrmModule.forFeature([ClusterCredential])], providers: [ClusterCredentials], exports: [ClusterCredentials] })
export class IdentityModule {}

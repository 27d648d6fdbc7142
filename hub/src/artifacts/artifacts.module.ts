import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArtifactRecord } from './artifact-record.entity.js';
import { ArtifactRetention } from './artifact-retention.js';
import { ArtifactsService } from './artifacts.service.js';

/** The content-addressed store of rendered artifacts and their retention. */
@Module({
  imports: [TypeOrmModule.forFeature([ArtifactRecord])],
  providers: [ArtifactsService, ArtifactRetention],
  exports: [ArtifactsService, ArtifactRetention],
})
export class ArtifactsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { GitRefResolver } from './git-ref-resolver.js';
import { Revision } from './revision.entity.js';
import { Source } from './source.entity.js';
import { SourcePoller } from './source-poller.js';
import { SourcesController } from './sources.controller.js';
import { SourcesService } from './sources.service.js';
import { WebhookLimits } from './webhook-limits.js';
import { WebhooksController } from './webhooks.controller.js';

/** Git sources, their revisions, polling and webhooks. */
@Module({
  imports: [TypeOrmModule.forFeature([Source, Revision]), AppsModule],
  controllers: [SourcesController, WebhooksController],
  providers: [SourcesService, SourcePoller, GitRefResolver, WebhookLimits],
  exports: [SourcesService],
})
export class SourcesModule {}

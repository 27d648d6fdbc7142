import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GitRefResolver } from './git-ref-resolver.js';
import { Revision } from './revision.entity.js';
import { Source } from './source.entity.js';
import { SourceEvents } from './source-events.js';
import { SourcePoller } from './source-poller.js';
import { SourceSecrets } from './source-secrets.js';
import { SourcesController } from './sources.controller.js';
import { SourcesService } from './sources.service.js';
import { WebhookLimits } from './webhook-limits.js';
import { WebhooksController } from './webhooks.controller.js';

/** Git sources, their revisions, polling and webhooks. */
@Module({
  imports: [TypeOrmModule.forFeature([Source, Revision])],
  controllers: [SourcesController, WebhooksController],
  providers: [SourcesService, SourceEvents, SourceSecrets, SourcePoller, GitRefResolver, WebhookLimits],
  exports: [SourcesService, SourceEvents],
})
export class SourcesModule {}

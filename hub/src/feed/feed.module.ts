import { Module } from '@nestjs/common';
import { GrpcEdgeModule } from '../grpc/grpc-edge.module.js';
import { EventsFeedController } from './events-feed.controller.js';
import { WhoAmIController } from './who-am-i.controller.js';

/** What a browser needs besides the REST resources: the live feed (Server-Sent Events) and who its token is. */
@Module({
  imports: [GrpcEdgeModule],
  controllers: [EventsFeedController, WhoAmIController],
})
export class FeedModule {}

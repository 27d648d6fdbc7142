import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { type EventsQuery, eventsQuerySchema, OPERATIONS } from '@flotilla/api';
import type { Response } from 'express';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { statusEventJson } from '../grpc/status-event-json.js';
import { StatusStream } from '../grpc/status-stream.service.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';

/** How often an idle feed sends a comment, so proxies and browsers keep the connection. */
export const FEED_KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/events: StatusService.Watch for browsers, as Server-Sent Events. Each event's `id:` is its cursor; a
 * client that reconnects with `?cursor=` or `Last-Event-ID` gets exactly what it missed (or a fresh snapshot).
 */
@Controller('api/v1/events')
export class EventsFeedController {
  constructor(private readonly stream: StatusStream) {}

  @Get()
  @ApiOperationOf(OPERATIONS.watchEvents)
  watch(
    @Query(new ZodPipe(eventsQuerySchema, 'query')) query: EventsQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): void {
    response.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    response.write(': flotilla events\n\n');
    const resumeFrom = query.cursor ?? lastEventId?.slice(0, 64) ?? '';
    const subscription = this.stream.watch({ clusters: [], apps: [], resumeFrom, skipSnapshot: false }).subscribe({
      next: (event) => response.write(`id: ${event.cursor}\ndata: ${JSON.stringify(statusEventJson(event))}\n\n`),
      error: (error: unknown) => {
        response.write(`event: error\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : String(error) })}\n\n`);
        response.end();
      },
      complete: () => response.end(),
    });
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), FEED_KEEPALIVE_MS);
    response.on('close', () => {
      clearInterval(keepalive);
      subscription.unsubscribe();
    });
  }
}

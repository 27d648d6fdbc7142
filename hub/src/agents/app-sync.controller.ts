import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type AppSyncView, OPERATIONS, type SyncAppBody, syncAppSchema } from '@flotilla/api';
import { RequireRole } from '../auth/require-role.decorator.js';
import { Actor } from '../common/actor.decorator.js';
import { ZodPipe } from '../common/zod-body.pipe.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';
import { AppSync } from './app-sync.service.js';

/** POST /api/v1/apps/{name}/sync: reconcile an app now on its clusters (operators). */
@Controller('api/v1/apps')
export class AppSyncController {
  constructor(private readonly appSync: AppSync) {}

  @Post(':name/sync')
  @RequireRole('operator')
  @HttpCode(202)
  @ApiOperationOf(OPERATIONS.syncApp)
  sync(@Param('name') name: string, @Body(new ZodPipe(syncAppSchema)) body: SyncAppBody, @Actor() actor: string): Promise<AppSyncView> {
    return this.appSync.sync(name, body, actor);
  }
}

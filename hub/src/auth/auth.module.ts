import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiToken } from './api-token.entity.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthGuard } from './auth.guard.js';

/** REST authentication: API tokens with roles, checked by a global guard on every /api route (and StatusService.Watch). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiToken])],
  controllers: [ApiTokensController],
  providers: [ApiTokensService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiTokensService],
})
export class AuthModule {}

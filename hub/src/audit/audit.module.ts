import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AnonymousAuditLimit } from './anonymous-audit-limit.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditService } from './audit.service.js';

/** The audit log; every module records into it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [AuditService, AnonymousAuditLimit, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService, AnonymousAuditLimit],
})
export class AuditModule {}

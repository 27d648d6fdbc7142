import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEvent } from './audit-event.entity.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/** The audit log; every module records into it. */
@Global()
@Module({ imports: [TypeOrmModule.forFeature([AuditEvent])], controllers: [AuditController], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DriftMetrics } from './drift-metrics.js';
import { DriftRecord } from './drift-record.entity.js';
import { DriftController } from './drift.controller.js';
import { DriftService } from './drift.service.js';

/** Drift reported by agents: stored per cluster and app, listed, counted, announced and measured. */
@Module({ imports: [TypeOrmModule.forFeature([DriftRecord])], controllers: [DriftController], providers: [DriftService, DriftMetrics], exports: [DriftService] })
export class DriftModule {}

import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { type LivenessView, OPERATIONS, type ReadinessView } from '@flotilla/api';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/require-role.decorator.js';
import { ApiOperationOf } from '../openapi/api-operation-of.js';

/** Liveness and readiness probes, at the root (outside /api/v1) as Kubernetes probes expect; open without a token. */
@Public()
@Controller()
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The process is up. */
  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  @ApiOperationOf(OPERATIONS.getLiveness)
  healthz(): LivenessView {
    return { status: 'ok' };
  }

  /** The hub can serve: its database answers. */
  @Get('readyz')
  @ApiOperationOf(OPERATIONS.getReadiness)
  async readyz(@Res({ passthrough: true }) res: Response): Promise<ReadinessView> {
    const database = this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', database };
    } catch (error) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', database, error: (error as Error).message };
    }
  }
}

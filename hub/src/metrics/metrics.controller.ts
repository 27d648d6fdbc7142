import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsService } from './metrics.service.js';

/** Prometheus metrics at the root (`GET /metrics`), outside /api/v1 as scrapers expect. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  async metricsText(@Res() res: Response): Promise<void> {
    const text = await this.metrics.render();
    res.type(this.metrics.contentType).send(text);
  }
}

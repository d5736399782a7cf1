import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Public } from '../../admin/security/public-route';
import { MetricsService } from './metrics.service';

/** Prometheus exposition. Open like /health: it carries counts, never job contents or secrets. */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: FastifyReply): Promise<void> {
    const body = await this.metrics.scrape();
    await res.header('Content-Type', this.metrics.contentType).send(body);
  }
}

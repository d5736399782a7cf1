import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { Public } from '../../admin/security/public-route';
import { ReadinessRegistry } from './readiness';

/** Liveness says the process answers; readiness says each dependency works (503 when one does not or is degraded). */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: ReadinessRegistry) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: FastifyReply): Promise<object> {
    const report = await this.registry.report();
    // Degraded answers 503 too: a probe or a rollout must notice held-up work, not only a dead one.
    res.status(report.status === 'up' ? 200 : 503);
    const status = { up: 'ok', degraded: 'degraded', down: 'error' }[report.status];
    return { status, checks: report.checks };
  }
}

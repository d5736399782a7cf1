import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { ApiProblems } from '../../admin/problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../../admin/swagger';
import type { JobCounts } from './job-counts';
import { StatsService, type ActivityView, type MessagingView, type ReplicaView } from './stats.service';

/** Read-only figures for the dashboard's overview (and anyone else): documented in docs/api.md. */
@ApiTags('stats')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('jobs')
  @ApiOperation({ summary: 'Jobs by state and trigger type, and the due backlog' })
  @ApiOkResponse({
    description: '{ scheduled, paused, byTriggerType: [{triggerType, scheduled, paused}], due }',
  })
  @ApiProblems(503)
  jobs(): Promise<JobCounts> {
    return this.stats.jobs();
  }

  @Get('activity')
  @ApiOperation({
    summary: 'Fires per minute and lateness p50/p99 over the last hour, all replicas seen recently',
    description:
      'From each replica heartbeat (per-minute histograms); seconds. A restarted replica starts a new hour.',
  })
  @ApiOkResponse({
    description:
      '{ windowMinutes, minutes: [{minute, fires, errors, latenessP50, latenessP99, published}], lastHour }',
  })
  @ApiProblems(503)
  activity(): Promise<ActivityView> {
    return this.stats.activity();
  }

  @Get('messaging')
  @ApiOperation({
    summary: 'Outbox backlog and publish latency, inbound consumer lag and dead letters per topic',
  })
  @ApiOkResponse({
    description:
      '{ outbox: {backlog, relayLeader (the replica relaying shard 0), relays: [{replicaId, shards}], publishLatencyP50, publishLatencyP99}, inbound: [{topic, lag, partitions, deadLetters, replayed}] }',
  })
  @ApiProblems(503)
  messaging(): Promise<MessagingView> {
    return this.stats.messaging();
  }

  @Get('replicas')
  @ApiOperation({
    summary: 'Replicas seen in the last 30 s, the leases each holds, and which outbox shards each relays',
  })
  @ApiOkResponse({
    description:
      '{ replicas: [{replicaId, startedAt, seenAt, relayLeader, relayShards, leasesHeld, leasedJobIds, self}] }',
  })
  @ApiProblems(503)
  async replicas(): Promise<{ replicas: ReplicaView[] }> {
    return { replicas: await this.stats.replicaViews() };
  }
}

// The /v1/stats/* shapes come from the server's plain-interface file (types only: nothing of it is
// bundled). The rest mirror the admin API's DTOs, which are decorated NestJS classes: importing them
// would type-check half the server (NestJS, TypeORM, kafkajs typings) as part of this page.
export type {
  ActivityView as Activity,
  JobCounts,
  MessagingView as Messaging,
  ReplicaView as Replica,
} from '../../src/dashboard/stats/stats-views';

export interface Job {
  id: string;
  name: string;
  state: 'scheduled' | 'paused';
  triggerType: string;
  trigger: Record<string, unknown>;
  action: { handler: string; args?: unknown };
  misfireGraceTime: number | null;
  coalesce: boolean;
  maxInstances: number;
  paused: boolean;
  nextRunTime: string | null;
}
export interface Run {
  scheduledAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  outcome: string;
  error: string | null;
  owner: string;
  attempt?: number;
}
export interface FireTime {
  utc: string;
  local: string;
  offset: string;
}
export interface OrderView {
  orderId: string;
  status: string | null;
  stage: string;
  timeoutJobId: string;
  timeoutJob: Job | null;
  runs: Run[];
  events: Array<{ kind: string; topic: string; eventId: string; scheduledAt: string }>;
}
export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  valueTruncated: boolean;
  headers: Record<string, string>;
  error: {
    code: string | null;
    message: string | null;
    sourceTopic: string | null;
    sourcePartition: number | null;
    sourceOffset: string | null;
  };
  replay: { status: string; claimedAt: string; publishedAt: string | null } | null;
}
export interface DeadRun {
  id: string;
  jobId: string;
  scheduledAt: string;
  attempts: number;
  lastError: string;
  handler: string;
  deadAt: string;
  action: { handler: string; args?: unknown };
}

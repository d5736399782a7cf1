export interface JobCounts {
  scheduled: number;
  paused: number;
  byTriggerType: Array<{ triggerType: string; scheduled: number; paused: number }>;
  due: number;
}
export interface Activity {
  windowMinutes: number;
  minutes: Array<{
    minute: string;
    fires: number;
    errors: number;
    latenessP50: number | null;
    latenessP99: number | null;
    published: number;
  }>;
  lastHour: {
    fires: number;
    errors: number;
    latenessP50: number | null;
    latenessP99: number | null;
    published: number;
    publishLatencyP50: number | null;
    publishLatencyP99: number | null;
  };
}
export interface Messaging {
  outbox: {
    backlog: number;
    relayLeader: string | null;
    publishLatencyP50: number | null;
    publishLatencyP99: number | null;
  };
  inbound: Array<{
    topic: string;
    lag: number;
    partitions: Array<{ partition: number; lag: number }>;
    deadLetters: number;
    replayed: number;
  }>;
}
export interface Replica {
  replicaId: string;
  startedAt: string;
  seenAt: string;
  relayLeader: boolean;
  leasesHeld: number;
  leasedJobIds: string[];
  self: boolean;
}
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

// What /v1/stats/* answer, as plain interfaces. The dashboard's page type-checks against this file
// (dashboard/src/types.ts imports it as types only), so it imports nothing: no server code or
// server typings reach the browser build.

/** Jobs by state and trigger type, and how many are due and not yet fired. */
export interface JobCounts {
  scheduled: number;
  paused: number;
  byTriggerType: Array<{ triggerType: string; scheduled: number; paused: number }>;
  /** Unpaused jobs whose next run time is at or before now. */
  due: number;
}

export interface ActivityView {
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

export interface MessagingView {
  outbox: {
    backlog: number;
    /** The replica relaying shard 0 (it also counts the backlog and prunes sent rows), or null. */
    relayLeader: string | null;
    /** Every replica relaying some shards, and which. */
    relays: Array<{ replicaId: string; shards: number[] }>;
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

export interface ReplicaView {
  replicaId: string;
  startedAt: string;
  seenAt: string;
  relayLeader: boolean;
  relayShards: number[];
  leasesHeld: number;
  leasedJobIds: string[];
  self: boolean;
}

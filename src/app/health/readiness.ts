import { Global, Injectable, Module } from '@nestjs/common';

import { scrubSecrets } from '../logging/secret-scrubber';

/** 'degraded': working, but part of the work is held up (e.g. one inbound partition keeps failing). */
export type CheckStatus = 'up' | 'degraded' | 'down';

export interface CheckResult {
  status: CheckStatus;
  /** What is behind the check (e.g. "memory", "mysql"), or why it is down. */
  detail?: string;
}

/** A dependency the service needs to do its work: MySQL, Kafka, the scheduler loop, the outbox. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<CheckResult>;
}

/** Modules register their checks at init; /health/ready reports each one separately. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  /** Runs every check at once, each bounded by `timeoutMs` so one hung dependency cannot hang the probe. */
  async report(timeoutMs = 2000): Promise<{ status: CheckStatus; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (c) => [c.name, await withTimeout(c, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries);
    const statuses = entries.map(([, r]) => r.status);
    const status: CheckStatus = statuses.includes('down')
      ? 'down'
      : statuses.includes('degraded')
        ? 'degraded'
        : 'up';
    return { status, checks };
  }
}

async function withTimeout(check: ReadinessCheck, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', detail: `no answer within ${ms} ms` }), ms);
  });
  try {
    const result = await Promise.race([check.check().catch((e: unknown) => down(e)), timeout]);
    // A detail is often a driver's error text, and the probe is public: no secret in it.
    return result.detail === undefined ? result : { ...result, detail: scrubSecrets(result.detail) };
  } finally {
    clearTimeout(timer);
  }
}

function down(error: unknown): CheckResult {
  return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
}

@Global()
@Module({ providers: [ReadinessRegistry], exports: [ReadinessRegistry] })
export class ReadinessModule {}

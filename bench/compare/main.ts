import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

import { type BenchConfig, parseFlags, type SystemName } from './flags';
import { deleteStaleTopics } from './kafka';
import { machineFacts } from './machine';
import type { MeteredProcess } from './proc-meter';
import { ceilings, describeCeiling, targets, targetTable } from './report/ratios';
import { herdTable, ingestTable, recurringTable, steadyTable } from './report/tables';
import { ensureInfra, dropDatabase, repoRoot, stopOwnInfra } from './setup/infra';
import { ensureVenv, pythonPackageVersion } from './setup/python-venv';
import { bullMqVersion } from './setup/bullmq-module';
import { BenchRedis, ensureRedisInstalled } from './setup/redis';
import { ApsDriver } from './systems/apscheduler';
import { BullDriver } from './systems/bullmq';
import type { SystemDriver } from './systems/driver';
import { OURS_DATABASE, OursDriver, oursDatabase } from './systems/ours';
import { herd } from './workloads/herd';
import { ingest, type IngestRow } from './workloads/ingest';
import type { RunContext, RunResult } from './workloads/measure';
import { recurring } from './workloads/recurring';
import { steady, type SteadyResult } from './workloads/steady';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  const config = parseFlags(process.argv.slice(2));
  if (!config) return;
  const started = Date.now();
  const runId = started.toString(36);
  log(
    `delayed-action benchmark ${config.quick ? '(--quick)' : '(full)'}: ${config.systems.join(', ')}; ${config.workloads.join(', ')}`,
  );

  const infraPids = ensureInfra(log, config.ownInfra);
  const python = ensureVenv(log);
  ensureRedisInstalled(log);
  const redis = new BenchRedis(config.redisPort, config.redisPersistence);
  await redis.start();
  await deleteStaleTopics();
  const facts = await machineFacts();
  const versions = {
    apscheduler: pythonPackageVersion(python, 'apscheduler'),
    sqlalchemy: pythonPackageVersion(python, 'SQLAlchemy'),
    bullmq: config.systems.includes('bullmq') ? bullMqVersion(log) : '-',
    redis: redis.version(),
    redisPersistence: config.redisPersistence,
  };
  log(`machine: ${JSON.stringify(facts)}`);
  log(`peers: ${JSON.stringify(versions)}`);

  const allDrivers: SystemDriver[] = config.systems.map((name) => {
    if (name === 'ours-1' || name === 'ours-3')
      return new OursDriver({
        replicas: name === 'ours-1' ? 1 : 3,
        extraEnv: config.oursEnv,
        ingestApis: config.ingestApis,
      });
    if (name === 'bullmq') return new BullDriver(redis, config.bullConcurrency);
    return new ApsDriver(python, config.apsThreads);
  });
  const infra: MeteredProcess[] = [
    { label: 'mariadbd', pid: infraPids.mariadb, shared: true },
    { label: 'kafka', pid: infraPids.kafka, shared: true },
  ].filter((p) => p.pid > 0);
  const ctx: RunContext = { runId, infra, log, drainTimeoutS: config.drainTimeoutS };

  const results: {
    herd: RunResult[];
    steady: SteadyResult[];
    backlog: SteadyResult[];
    ingest: IngestRow[];
    recurring: RunResult[];
  } = { herd: [], steady: [], backlog: [], ingest: [], recurring: [] };
  const failures: string[] = [];
  try {
    for (const workload of config.workloads) {
      log(`\n== ${workload}`);
      const only = config.runOnly[workload];
      const drivers = only ? allDrivers.filter((d) => only.includes(d.name as SystemName)) : allDrivers;
      try {
        if (workload === 'herd') results.herd = await herd(drivers, config.herdJobs, ctx);
        if (workload === 'steady')
          results.steady = await steady(
            drivers,
            {
              rates: config.steadyRates,
              seconds: config.steadySeconds,
              warmupSeconds: config.warmupSeconds,
              stopAtCeiling: config.stopAtCeiling,
              sustainP99Ms: config.sustainP99Ms,
              probeBelow: config.steadyProbeBelow,
              pending: null,
              label: (r) => `steady-${r}`,
            },
            ctx,
          );
        if (workload === 'backlog') {
          for (const size of config.backlogSizes) {
            const pending =
              size > 0 ? { prefix: 'pending-', count: size, startMs: Date.UTC(2099, 0, 1), perSec: 1 } : null;
            results.backlog.push(
              ...(await steady(
                drivers,
                {
                  rates: [config.backlogRate],
                  seconds: config.backlogSeconds,
                  warmupSeconds: config.warmupSeconds,
                  stopAtCeiling: false,
                  sustainP99Ms: config.sustainP99Ms,
                  probeBelow: 0,
                  pending,
                  label: () => `backlog-${size}`,
                },
                ctx,
              )),
            );
          }
        }
        if (workload === 'ingest')
          results.ingest = await ingest(drivers, config.ingestJobs, config.ingestSeconds, ctx);
        if (workload === 'recurring')
          results.recurring = await recurring(
            drivers,
            {
              jobs: config.recurringJobs,
              periodS: config.recurringPeriodS,
              seconds: config.recurringSeconds,
            },
            ctx,
          );
      } catch (error) {
        // One workload failing (e.g. a broker restarted under it) leaves the others' results.
        failures.push(`${workload}: ${error instanceof Error ? error.message : String(error)}`);
        log(
          `  ${workload} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      // Written after every workload, so a run stopped part-way keeps what it measured.
      const partial = { ...facts, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))) };
      report(config, partial, versions, results, (Date.now() - started) / 60_000, python, failures, false);
    }
  } finally {
    for (const d of allDrivers) await d.close().catch(() => {});
    await redis.stop();
    // Only a run that measured the backlog drops its databases: a run of other workloads leaves
    // the one a previous `--keep-backlog` run kept for the next.
    const backlogs =
      config.keepBacklog || !config.workloads.includes('backlog')
        ? []
        : config.backlogSizes
            .filter((n) => n > 0)
            .map((count) => oursDatabase({ prefix: '', count, startMs: 0, perSec: 1 }));
    for (const db of [OURS_DATABASE, 'bench7_aps', ...backlogs]) await dropDatabase(db).catch(() => {});
    await deleteStaleTopics().catch(() => 0);
    if (config.ownInfra) stopOwnInfra();
  }
  facts.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  const minutes = (Date.now() - started) / 60_000;
  report(config, facts, versions, results, minutes, python, failures);
}

function report(
  config: BenchConfig,
  facts: Awaited<ReturnType<typeof machineFacts>>,
  versions: Record<string, string>,
  results: {
    herd: RunResult[];
    steady: SteadyResult[];
    backlog: SteadyResult[];
    ingest: IngestRow[];
    recurring: RunResult[];
  },
  minutes: number,
  python: string,
  failures: string[],
  final = true,
): void {
  const scaled: string[] = [];
  if (config.quick)
    scaled.push('--quick: every size and duration scaled down (smoke run, not the issue 16 sizes)');
  if (config.steadySeconds !== 60) scaled.push(`steady runs last ${config.steadySeconds} s (issue 7: 60 s)`);
  if (config.backlogSeconds !== 60)
    scaled.push(`backlog runs last ${config.backlogSeconds} s (issue 7: 60 s)`);
  if (!config.backlogSizes.includes(5_000_000))
    scaled.push(`backlog sizes ${config.backlogSizes.join(', ')} (issue 16: 5,000,000)`);
  if (config.herdJobs !== 100_000) scaled.push(`herd of ${config.herdJobs} jobs (issue 16: 100,000)`);
  if (config.recurringSeconds !== 120 || config.recurringJobs !== 10_000)
    scaled.push(
      `recurring: ${config.recurringJobs} jobs every ${config.recurringPeriodS} s for ${config.recurringSeconds} s (issue 7: 10,000 every 10 s for 2 min)`,
    );
  if (Object.keys(config.oursEnv).length)
    scaled.push(
      `ours ran with ${Object.entries(config.oursEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  const sections: string[] = [];
  const add = (title: string, body: string): void => void sections.push(`### ${title}\n\n${body}`);
  if (results.herd.length)
    add(
      `herd: ${config.herdJobs.toLocaleString('en-US')} one-shot jobs due at one instant`,
      herdTable(results.herd),
    );
  if (results.steady.length) {
    const cs = ceilings(results.steady)
      .map((c) => `${c.system} ${describeCeiling(c)}`)
      .join('; ');
    add(
      `steady: jobs due at a constant rate for ${config.steadySeconds} s (sustained = all fired and p99 ≤ ${config.sustainP99Ms} ms)`,
      `${steadyTable(results.steady, 'rate/s')}\n\nsteady-rate ceilings: ${cs}`,
    );
  }
  if (results.backlog.length)
    add(
      `backlog: ${config.backlogRate}/s for ${config.backlogSeconds} s with far-future jobs pending`,
      steadyTable(results.backlog, 'pending'),
    );
  if (results.ingest.length)
    add("ingest: scheduling rate through each system's own API", ingestTable(results.ingest));
  if (results.recurring.length)
    add(
      `recurring: ${config.recurringJobs.toLocaleString('en-US')} jobs every ${config.recurringPeriodS} s for ${config.recurringSeconds} s, all in phase`,
      recurringTable(results.recurring),
    );
  const rs = targets(results.herd, results.steady, results.backlog, results.ingest);
  if (rs.length)
    add("issue 16's targets (ours measured at the Kafka ack of its cancels, LogAppendTime)", targetTable(rs));
  const text = [
    `## Results (${config.quick ? 'quick' : 'full'} run, ${new Date().toISOString()}, ${minutes.toFixed(1)} min${final ? '' : ', partial: written after each workload'})`,
    '',
    `Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB, Node ${facts.node}, MariaDB ${facts.mariadb} ` +
      `(innodb_flush_log_at_trx_commit=${facts.innodbFlushLogAtTrxCommit}, buffer pool ${facts.innodbBufferPoolMiB} MiB), fdatasync p50 ${facts.fsync.p50Ms.toFixed(2)} ms / p99 ${facts.fsync.p99Ms.toFixed(2)} ms; ` +
      `load average ${facts.loadAverageAtStart.join(' ')} at start, ${facts.loadAverageAtEnd?.join(' ')} at end.`,
    `Peers: APScheduler ${versions.apscheduler} (SQLAlchemy ${versions.sqlalchemy}), BullMQ ${versions.bullmq} on ${versions.redis.split(' ').slice(0, 3).join(' ')} (persistence: ${versions.redisPersistence}).`,
    ...(scaled.length ? ['', `Scaled: ${scaled.join('; ')}.`] : []),
    ...(failures.length ? ['', `FAILED workloads: ${failures.join('; ')}`] : []),
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  if (final) log(`\n${text}`);
  const out = path.resolve(repoRoot(), config.out);
  mkdirSync(out, { recursive: true });
  const json = {
    config,
    facts,
    versions,
    minutes,
    results,
    targets: rs,
    ceilings: ceilings(results.steady),
    text,
  };
  const name = config.quick ? 'quick' : 'latest';
  writeFileSync(
    path.join(out, `${name}.json`),
    // Compact (one line, 1 decimal): the latest full run's file is committed.
    JSON.stringify(json, (_, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(1)) : v,
    ),
  );
  writeFileSync(path.join(out, `${name}.md`), text);
  execFileSync(
    python,
    [
      path.join(repoRoot(), 'bench', 'compare', 'plot_results.py'),
      path.join(out, `${name}.json`),
      path.join(out, `${name}.png`),
    ],
    { stdio: 'inherit' },
  );
  log(`${final ? 'written' : 'so far'}: ${path.join(config.out, name)}.{json,md,png}`);
}

// Stopped from outside: exit through process.exit so the replicas' exit hook (service.ts) kills them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

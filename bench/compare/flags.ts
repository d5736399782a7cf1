import { parseArgs } from 'node:util';

export const ALL_SYSTEMS = ['ours-1', 'ours-3', 'bullmq', 'apscheduler'] as const;
export const ALL_WORKLOADS = ['herd', 'steady', 'backlog', 'ingest', 'recurring'] as const;
export type SystemName = (typeof ALL_SYSTEMS)[number];
export type WorkloadName = (typeof ALL_WORKLOADS)[number];
/** The scheduling APIs of ours the ingest workload measures (the peers always run theirs). */
export const ALL_INGEST_APIS = ['library', 'api', 'kafka'] as const;
export type IngestApi = (typeof ALL_INGEST_APIS)[number];

export interface BenchConfig {
  quick: boolean;
  systems: SystemName[];
  workloads: WorkloadName[];
  herdJobs: number;
  steadyRates: number[];
  steadySeconds: number;
  /** Seconds at the measured rate before each steady and backlog run, not counted. */
  warmupSeconds: number;
  /** A system that misses a rate is not run at higher ones (its ceiling is found). */
  stopAtCeiling: boolean;
  /** A steady rate counts as sustained when every job fired and p99 lateness stays under this. */
  sustainP99Ms: number;
  steadyProbeBelow: number;
  backlogSizes: number[];
  backlogRate: number;
  backlogSeconds: number;
  ingestJobs: number;
  ingestSeconds: number;
  ingestApis: IngestApi[];
  recurringJobs: number;
  recurringPeriodS: number;
  recurringSeconds: number;
  drainTimeoutS: number;
  /** `--run-only workload=a,b` (repeatable): the systems a workload runs (default: every one). */
  runOnly: Partial<Record<WorkloadName, SystemName[]>>;
  /** Keep the backlog databases (5M rows take minutes to load) for the next bench run. */
  keepBacklog: boolean;
  /** `--ours-env KEY=VALUE` (repeatable): extra environment for every replica of the service. */
  oursEnv: Record<string, string>;
  bullConcurrency: number;
  apsThreads: number;
  redisPort: number;
  redisPersistence: 'aof-everysec' | 'none';
  ownInfra: boolean;
  out: string;
}

const HELP = `npm run bench -- [flags]   (side-by-side benchmark: this service vs APScheduler 3.11 vs BullMQ)
  --quick                    small sizes, a few minutes (defaults below are the full run)
  --systems a,b              ${ALL_SYSTEMS.join(',')}
  --workloads a,b            ${ALL_WORKLOADS.join(',')}
  --run-only W=a,b           run workload W with these systems only (repeatable), e.g. --run-only backlog=ours-1
  --herd-jobs N              one-shot jobs all due at one instant (100000)
  --steady-rates a,b         jobs due per second (500,1000,2000,4000)
  --steady-seconds S         length of each steady run (30; the issue asks 60: see docs/performance.md)
  --warmup-seconds S         before each steady and backlog run, S seconds at its rate, not counted (5; 0: none)
  --no-stop-at-ceiling       run every rate even after a system missed a lower one
  --sustain-p99-ms MS        p99 lateness under which a rate counts as sustained (2000)
  --steady-probe-below N     a system missing the lowest rate is tried at half of it, up to N times (2)
  --backlog-sizes a,b        far-future jobs pending during the backlog runs (0,5000000: p99 with 5M vs none)
  --backlog-rate R, --backlog-seconds S   the steady run measured over the backlog (1000, 30)
  --keep-backlog             keep ours' backlog database (bench7_ours_p<N>) for the next run, which reuses it; runs without the backlog workload leave it alone
  --ingest-jobs N, --ingest-seconds S     jobs per ingest API, capped by time (100000, 30)
  --ingest-apis a,b          ours' ingest APIs to measure: ${ALL_INGEST_APIS.join(',')} (all): Scheduler.addJobs/addJob,
                             POST /v1/jobs, orders.created from Kafka
  --recurring-jobs N, --recurring-period S, --recurring-seconds S   (10000, 10, 120)
  --drain-timeout S          cut a run off this long after its last due time (600)
  --ours-env KEY=VALUE       extra environment for every replica of the service (repeatable), e.g.
                             --ours-env SCHEDULER_BATCH_SIZE=1000; default: the service's own defaults
  --bull-concurrency N       BullMQ worker concurrency (200)
  --aps-threads N            APScheduler ThreadPoolExecutor workers (20)
  --redis-port P             the bench's own Redis (6390)
  --redis-persistence aof-everysec|none   (aof-everysec)
  --shared-infra             use the servers DATABASE_URL/KAFKA_BROKERS name (default the shared 3306/9092) instead
                             of the bench's private pair on 3316/9192 (started and stopped by the bench)
  --out DIR                  results directory (bench/results)`;

const list = (s: string): number[] => s.split(',').map((x) => Number(x.trim()));

function parseRunOnly(pairs: string[]): Partial<Record<WorkloadName, SystemName[]>> {
  const only: Partial<Record<WorkloadName, SystemName[]>> = {};
  for (const pair of pairs) {
    const [w, list] = pair.split('=');
    const systems = (list ?? '').split(',') as SystemName[];
    if (!ALL_WORKLOADS.includes(w as WorkloadName) || !systems.every((x) => ALL_SYSTEMS.includes(x)))
      throw new Error(`--run-only ${pair}: workload=system,system`);
    only[w as WorkloadName] = systems;
  }
  return only;
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1 || !/^[A-Z][A-Z0-9_]*$/.test(pair.slice(0, at)))
      throw new Error(`--ours-env ${pair}: KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

export function parseFlags(argv: string[]): BenchConfig | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      quick: { type: 'boolean' },
      systems: { type: 'string' },
      workloads: { type: 'string' },
      'herd-jobs': { type: 'string' },
      'steady-rates': { type: 'string' },
      'steady-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      'no-stop-at-ceiling': { type: 'boolean' },
      'sustain-p99-ms': { type: 'string' },
      'steady-probe-below': { type: 'string' },
      'backlog-sizes': { type: 'string' },
      'backlog-rate': { type: 'string' },
      'backlog-seconds': { type: 'string' },
      'ingest-jobs': { type: 'string' },
      'ingest-seconds': { type: 'string' },
      'ingest-apis': { type: 'string' },
      'recurring-jobs': { type: 'string' },
      'recurring-period': { type: 'string' },
      'recurring-seconds': { type: 'string' },
      'drain-timeout': { type: 'string' },
      'ours-env': { type: 'string', multiple: true },
      'run-only': { type: 'string', multiple: true },
      'keep-backlog': { type: 'boolean' },
      'bull-concurrency': { type: 'string' },
      'aps-threads': { type: 'string' },
      'redis-port': { type: 'string' },
      'redis-persistence': { type: 'string' },
      'shared-infra': { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return null;
  }
  const quick = values.quick ?? false;
  const pick = <T>(flag: string | undefined, full: T, small: T, parse: (s: string) => T): T =>
    flag !== undefined ? parse(flag) : quick ? small : full;
  const systems = (values.systems?.split(',') ?? [...ALL_SYSTEMS]) as SystemName[];
  const workloads = (values.workloads?.split(',') ?? [...ALL_WORKLOADS]) as WorkloadName[];
  for (const s of systems) if (!ALL_SYSTEMS.includes(s)) throw new Error(`unknown system ${s}`);
  for (const w of workloads) if (!ALL_WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}`);
  const ingestApis = (values['ingest-apis']?.split(',') ?? [...ALL_INGEST_APIS]) as IngestApi[];
  for (const a of ingestApis) if (!ALL_INGEST_APIS.includes(a)) throw new Error(`unknown ingest API ${a}`);
  const persistence = values['redis-persistence'] ?? 'aof-everysec';
  if (persistence !== 'aof-everysec' && persistence !== 'none')
    throw new Error('--redis-persistence: aof-everysec|none');
  return {
    quick,
    systems,
    workloads,
    herdJobs: pick(values['herd-jobs'], 100_000, 10_000, Number),
    steadyRates: pick(values['steady-rates'], [500, 1000, 2000, 4000], [500, 2000], list),
    steadySeconds: pick(values['steady-seconds'], 30, 10, Number),
    warmupSeconds: pick(values['warmup-seconds'], 5, 2, Number),
    stopAtCeiling: !values['no-stop-at-ceiling'],
    sustainP99Ms: Number(values['sustain-p99-ms'] ?? 2000),
    steadyProbeBelow: Number(values['steady-probe-below'] ?? 2),
    backlogSizes: pick(values['backlog-sizes'], [0, 5_000_000], [0, 200_000], list),
    backlogRate: pick(values['backlog-rate'], 1000, 1000, Number),
    backlogSeconds: pick(values['backlog-seconds'], 30, 10, Number),
    ingestJobs: pick(values['ingest-jobs'], 100_000, 10_000, Number),
    ingestSeconds: pick(values['ingest-seconds'], 30, 10, Number),
    ingestApis,
    recurringJobs: pick(values['recurring-jobs'], 10_000, 2_000, Number),
    recurringPeriodS: pick(values['recurring-period'], 10, 5, Number),
    recurringSeconds: pick(values['recurring-seconds'], 120, 20, Number),
    drainTimeoutS: pick(values['drain-timeout'], 600, 60, Number),
    oursEnv: parseEnv(values['ours-env'] ?? []),
    runOnly: parseRunOnly(values['run-only'] ?? []),
    keepBacklog: values['keep-backlog'] ?? false,
    bullConcurrency: Number(values['bull-concurrency'] ?? 200),
    apsThreads: Number(values['aps-threads'] ?? 20),
    redisPort: Number(values['redis-port'] ?? 6390),
    redisPersistence: persistence,
    ownInfra: !values['shared-infra'],
    out: values.out ?? 'bench/results',
  };
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { loadAll } from 'js-yaml';

// The image and the Kubernetes example, read as text: no container engine or cluster needed. The
// manifests' schema validation is test/integration/deploy/manifests.spec.ts.
const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** Dockerfile instructions of the last stage, continuation lines joined. */
function runtimeStage(): string[] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const from = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  return lines.slice(from[from.length - 1]);
}

describe('Dockerfile', () => {
  const runtime = runtimeStage();

  it('starts the service exactly as `npm start` does (the benchmark runs that command)', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    const cmd = runtime.filter((l) => /^CMD\s/i.test(l)).pop() ?? '';
    expect(JSON.parse(cmd.replace(/^CMD\s+/i, ''))).toEqual(start.split(/\s+/));
    expect(start).toMatch(/^node (--[a-z-]+=\d+ )*dist\/src\/app\/main\.js$/);
    expect(start).toContain('--max-semi-space-size=64');
  });

  it('runs as a numeric, non-root user and group', () => {
    const users = runtime.filter((l) => /^USER\s/i.test(l));
    expect(users).toHaveLength(1);
    const [, uid, gid] = /^USER\s+(\d+)(?::(\d+))?$/i.exec(users[0]!) ?? [];
    expect(Number(uid)).toBeGreaterThan(0);
    expect(gid === undefined || Number(gid) > 0).toBe(true);
  });

  it('copies only the compiled output, production node_modules and package.json into the runtime stage', () => {
    const copies = runtime.filter((l) => /^(COPY|ADD)\s/i.test(l));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy).toMatch(/--from=build\s/);
      expect(copy).toMatch(/\s\/app\/(dist|node_modules|package\.json)\s/);
    }
  });

  it('never lets bench/, test/ or secrets into the build context (.dockerignore is an allow-list)', () => {
    const rules = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    expect(allowed.sort()).toEqual(
      [
        'dashboard',
        'migrations',
        'package-lock.json',
        'package.json',
        'scripts/build-dashboard.mjs',
        'src',
        'tsconfig.build.json',
        'tsconfig.json',
      ].sort(),
    );
  });

  it('lets in and copies every script `npm run build` runs, and the dashboard sources it bundles', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    const buildStage = read('Dockerfile').split(/^FROM\s.*$/m)[1] ?? '';
    const build = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build;
    const scripts = [...build.matchAll(/\bnode\s+(\S+)/g)].map((m) => m[1]!);
    expect(scripts).toContain('scripts/build-dashboard.mjs');
    for (const needed of [...scripts, 'dashboard']) {
      expect(allowed).toContain(needed);
      expect(buildStage).toMatch(new RegExp(`^COPY\\s+${needed.replace(/\./g, '\\.')}\\s`, 'm'));
    }
  });

  it('builds with dev dependencies, then prunes them', () => {
    expect(read('Dockerfile')).toMatch(/npm prune --omit=dev/);
  });
});

type Manifest = { kind: string; metadata: { name: string }; spec?: Record<string, unknown> };

function manifests(): Manifest[] {
  const dir = path.join(ROOT, 'deploy', 'kubernetes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(path.join(dir, f), 'utf8')) as Manifest[]);
}

interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  failureThreshold: number;
}

describe('deploy/kubernetes', () => {
  const all = manifests();
  const deployment = all.find((m) => m.kind === 'Deployment') as unknown as {
    spec: {
      template: {
        spec: {
          terminationGracePeriodSeconds: number;
          securityContext: { runAsNonRoot: boolean; runAsUser: number };
          containers: Array<{
            startupProbe: Probe;
            livenessProbe: Probe;
            readinessProbe: Probe;
            lifecycle: { preStop: { exec: { command: string[] } } };
            env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string } } }>;
          }>;
          volumes: Array<{ secret?: { secretName: string } }>;
        };
      };
    };
  };
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const config = (all.find((m) => m.kind === 'ConfigMap') as unknown as { data: Record<string, string> })
    .data;

  it('probes the health routes: live for liveness and start-up, ready for readiness', () => {
    expect(container!.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container!.startupProbe.httpGet.path).toBe('/health/live');
    expect(container!.readinessProbe.httpGet.path).toBe('/health/ready');
  });

  it('gives start-up longer than a replica may wait for another one’s migration lock', async () => {
    const { MIGRATION_LOCK_WAIT_SECONDS } = await import('../../../src/persistence/migration-lock');
    const { startupProbe } = container!;
    expect(startupProbe.periodSeconds * startupProbe.failureThreshold).toBeGreaterThan(
      MIGRATION_LOCK_WAIT_SECONDS,
    );
  });

  it('leaves graceful shutdown the preStop delay plus the longest run, with room to flush', () => {
    const preStop = Number(container!.lifecycle.preStop.exec.command.at(-1));
    const runTimeout = Number(config.SCHEDULER_RUN_TIMEOUT_SECONDS);
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + runTimeout + 10);
  });

  it('runs as the image’s numeric user, never root', () => {
    const [, uid] = /^USER\s+(\d+)/i.exec(runtimeStage().find((l) => /^USER\s/i.test(l))!) ?? [];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBe(Number(uid));
  });

  it('takes every secret from a Secret the example defines, none from the ConfigMap', () => {
    const secrets = new Set(all.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name));
    const referenced = [
      ...container!.env.flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
      ...pod.volumes.flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
    ];
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(secrets).toContain(name);
    for (const key of Object.keys(config)) {
      expect(key).not.toMatch(/(PASSWORD|API_KEYS|DATABASE_URL)$/);
    }
    expect(config.NODE_ENV).toBe('production');
  });

  it('parses as YAML documents with kind and name', () => {
    for (const m of all)
      expect(m).toMatchObject({ kind: expect.any(String), metadata: { name: expect.any(String) } });
  });
});

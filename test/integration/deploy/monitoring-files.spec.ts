import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MetricsService } from '../../../src/app/metrics/metrics.service';

// deploy/ for teams with Prometheus and Grafana: the alert rules pass `promtool check rules`, each
// alert fires on its test series and stays quiet on healthy ones (`promtool test rules`), and
// every Grafana query is valid PromQL over metrics the service really exports.

const ROOT = path.join(__dirname, '..', '..', '..');
const RULES = path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml');
const RULE_TESTS = path.join(ROOT, 'deploy', 'prometheus', 'alerts.test.yml');
const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'delayed-action-dashboard.json');

function promtool(args: string[]): string {
  try {
    return execFileSync('promtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error("promtool is missing: install it with 'apt-get install prometheus' (.ci/run does)");
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Metric names the service registers (histograms also expose _bucket, _sum, _count). */
function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const m of new MetricsService().registry.getMetricsAsArray()) {
    const name = (m as unknown as { name: string }).name;
    names.add(name);
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

const ALERTS = [
  'DelayedActionLatenessSLOBreach',
  'DelayedActionOutboxBacklogGrowing',
  'DelayedActionDeadLettersGrowing',
  'DelayedActionInboundPartitionStalled',
  'DelayedActionNoReplicaRelaying',
];

it('the alert rules are valid and each alert is tested to fire and to stay quiet', () => {
  expect(promtool(['check', 'rules', RULES])).toContain('SUCCESS: 5 rules found');
  expect(promtool(['test', 'rules', RULE_TESTS])).toContain('SUCCESS');
  const rules = readFileSync(RULES, 'utf8');
  const tests = readFileSync(RULE_TESTS, 'utf8');
  for (const alert of ALERTS) {
    expect(rules).toContain(`alert: ${alert}`);
    // One evaluation expecting nothing, one expecting the alert.
    expect(tests.split(`alertname: ${alert}`).length - 1).toBeGreaterThanOrEqual(2);
  }
});

it('every metric the rules and the Grafana dashboard query is one the service exports', () => {
  const exported = exportedMetrics();
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  expect(exprs.length).toBeGreaterThanOrEqual(10);
  const used = new Set(
    [readFileSync(RULES, 'utf8'), ...exprs].join('\n').match(/\b(scheduler|outbox|kafka)_[a-z_]+\b/g),
  );
  expect(used.size).toBeGreaterThanOrEqual(9);
  const unknown = [...used].filter((n) => !exported.has(n));
  expect(unknown).toEqual([]);
  // Valid PromQL: promtool checks each panel query as a recording rule ($job as a regex).
  const dir = mkdtempSync(path.join(tmpdir(), 'grafana-exprs-'));
  const file = path.join(dir, 'exprs.yml');
  const rules = exprs
    .map(
      (e, i) =>
        `      - record: grafana:panel_query_${i}\n        expr: ${JSON.stringify(e.replaceAll('$job', '.*'))}`,
    )
    .join('\n');
  writeFileSync(file, `groups:\n  - name: grafana\n    rules:\n${rules}\n`);
  expect(promtool(['check', 'rules', file])).toContain(`SUCCESS: ${exprs.length} rules found`);
});

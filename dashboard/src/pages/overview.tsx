import { get } from '../api';
import { OUTBOX_SHARD_COUNT, relayShardsText } from '../relay-shards';
import { useLoad } from '../hooks';
import type { Activity, JobCounts, Messaging, Replica } from '../types';
import { ErrorNote, fmtSeconds, fmtTime, LineChart, Stat } from '../ui';

const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });

export function Overview() {
  const jobs = useLoad(() => get<JobCounts>('/v1/stats/jobs'), [], 10_000);
  const activity = useLoad(() => get<Activity>('/v1/stats/activity'), [], 10_000);
  const messaging = useLoad(() => get<Messaging>('/v1/stats/messaging'), [], 10_000);
  const replicas = useLoad(() => get<{ replicas: Replica[] }>('/v1/stats/replicas'), [], 10_000);
  const a = activity.data;
  const m = messaging.data;
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="jobs-h">
        <h2 id="jobs-h">Jobs</h2>
        <ErrorNote error={jobs.error} />
        {jobs.data && (
          <>
            <dl class="stats">
              <Stat label="Scheduled" value={jobs.data.scheduled} />
              <Stat label="Paused" value={jobs.data.paused} />
              <Stat label="Due now (backlog)" value={jobs.data.due} />
            </dl>
            <table>
              <caption>Jobs by trigger type</caption>
              <thead>
                <tr>
                  <th scope="col">Trigger type</th>
                  <th scope="col">Scheduled</th>
                  <th scope="col">Paused</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.byTriggerType.map((t) => (
                  <tr>
                    <th scope="row">
                      <a href={`#/jobs?triggerType=${encodeURIComponent(t.triggerType)}`}>{t.triggerType}</a>
                    </th>
                    <td>{t.scheduled}</td>
                    <td>{t.paused}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="fires-h">
        <h2 id="fires-h">Fires, last hour</h2>
        <ErrorNote error={activity.error} />
        {a && (
          <>
            <dl class="stats">
              <Stat label="Fires" value={a.lastHour.fires} />
              <Stat label="Failed" value={a.lastHour.errors} />
              <Stat label="Lateness p50" value={fmtSeconds(a.lastHour.latenessP50)} />
              <Stat label="Lateness p99" value={fmtSeconds(a.lastHour.latenessP99)} />
            </dl>
            <div class="charts">
              <LineChart
                title="Fires per minute"
                labels={a.minutes.map((x) => hhmm(x.minute))}
                series={[
                  { name: 'fires', values: a.minutes.map((x) => x.fires), className: 's1' },
                  { name: 'failed', values: a.minutes.map((x) => x.errors), className: 's2' },
                ]}
                unit={(v) => String(Math.round(v))}
              />
              <LineChart
                title="Lateness per minute (start minus scheduled time)"
                labels={a.minutes.map((x) => hhmm(x.minute))}
                series={[
                  { name: 'p50', values: a.minutes.map((x) => x.latenessP50), className: 's1' },
                  { name: 'p99', values: a.minutes.map((x) => x.latenessP99), className: 's2' },
                ]}
                unit={fmtSeconds}
              />
            </div>
          </>
        )}
      </section>
      <section aria-labelledby="msg-h">
        <h2 id="msg-h">Outbox and inbound topics</h2>
        <ErrorNote error={messaging.error} />
        {m && (
          <>
            <dl class="stats">
              <Stat
                label="Outbox backlog"
                value={m.outbox.backlog}
                hint="events committed, not yet published"
              />
              <Stat label="Publish latency p50" value={fmtSeconds(m.outbox.publishLatencyP50)} />
              <Stat label="Publish latency p99" value={fmtSeconds(m.outbox.publishLatencyP99)} />
              <Stat
                label="Relaying replicas"
                value={
                  m.outbox.relays.length === 0
                    ? 'none seen'
                    : m.outbox.relays
                        .map((r) => `${r.replicaId} (${r.shards.length} of ${OUTBOX_SHARD_COUNT} shards)`)
                        .join(', ')
                }
              />
            </dl>
            <table>
              <caption>Inbound topics</caption>
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  <th scope="col">Consumer lag</th>
                  <th scope="col">Lag per partition</th>
                  <th scope="col">Dead letters</th>
                  <th scope="col">Replayed</th>
                </tr>
              </thead>
              <tbody>
                {m.inbound.map((t) => (
                  <tr>
                    <th scope="row">{t.topic}</th>
                    <td>{t.lag}</td>
                    <td>{t.partitions.map((p) => `${p.partition}: ${p.lag}`).join(', ') || '–'}</td>
                    <td>
                      <a href={`#/dead-letters/${encodeURIComponent(t.topic)}`}>{t.deadLetters}</a>
                    </td>
                    <td>{t.replayed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="rep-h">
        <h2 id="rep-h">Replicas seen in the last 30 s</h2>
        <ErrorNote error={replicas.error} />
        {replicas.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Replica</th>
                <th scope="col">Started</th>
                <th scope="col">Last seen</th>
                <th scope="col">Relays the outbox</th>
                <th scope="col">Leases held</th>
              </tr>
            </thead>
            <tbody>
              {replicas.data.replicas.map((r) => (
                <tr>
                  <th scope="row">
                    {r.replicaId}
                    {r.self ? ' (this one)' : ''}
                  </th>
                  <td>{fmtTime(r.startedAt)}</td>
                  <td>{fmtTime(r.seenAt)}</td>
                  <td>{relayShardsText(r.relayShards)}</td>
                  <td>
                    {r.leasesHeld}
                    {r.leasedJobIds.length > 0 ? `: ${r.leasedJobIds.join(', ')}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

import { useState } from 'preact/hooks';

import { api, ApiError, get, post } from '../api';
import { useLoad } from '../hooks';
import { triggerInWords } from '../trigger-words';
import type { FireTime, Job, Run } from '../types';
import { ConfirmButton, ErrorNote, fmtTime } from '../ui';

const path = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

export function JobPage({ id }: { id: string }) {
  const job = useLoad(() => get<Job>(path(id)), [id], 10_000);
  const runs = useLoad(() => get<{ items: Run[] }>(`${path(id)}/runs?limit=20`), [id], 10_000);
  const fires = useLoad(
    () =>
      job.data && !job.data.paused
        ? post<{ timezone: string; fireTimes: FireTime[] }>('/v1/triggers/preview', {
            trigger: job.data.trigger,
            count: 10,
            // From the stored next run time, so the list starts where the scheduler will.
            ...(job.data.nextRunTime ? { now: job.data.nextRunTime } : {}),
          })
        : Promise.resolve(null),
    [job.data?.trigger ? JSON.stringify(job.data.trigger) : null, job.data?.paused, job.data?.nextRunTime],
  );
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [triggerText, setTriggerText] = useState('');
  const act = async (what: string, run: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await run();
      setMessage(`${what}: done.`);
      job.reload();
      runs.reload();
    } catch (e) {
      setActionError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (job.error && !job.data)
    return (
      <>
        <h1>Job {id}</h1>
        <ErrorNote error={job.error} />
        <p>
          <a href="#/jobs">Back to the jobs</a>
        </p>
      </>
    );
  const j = job.data;
  if (!j) return <p>Loading…</p>;
  let lastOffset: string | null = null;
  return (
    <>
      <h1>
        Job {j.name || j.id}{' '}
        <span class={`badge ${j.state}`} data-testid="job-state">
          {j.state}
        </span>
      </h1>
      <p role="status" aria-live="polite" class="status-line">
        {message}
      </p>
      <ErrorNote error={actionError} />
      <div class="actions" role="group" aria-label="Job actions">
        {j.paused ? (
          <ConfirmButton
            label="Resume"
            question={`Resume job ${j.id}? Its next run is computed from now.`}
            onConfirm={() => act('Resume', () => post(`${path(id)}/resume`))}
          />
        ) : (
          <ConfirmButton
            label="Pause"
            question={`Pause job ${j.id}? It will not fire until resumed.`}
            onConfirm={() => act('Pause', () => post(`${path(id)}/pause`))}
          />
        )}
        <ConfirmButton
          label="Run now"
          question={`Run job ${j.id} once now, outside its schedule?`}
          onConfirm={() => act('Run now', () => post(`${path(id)}/run`))}
        />
        <ConfirmButton
          label="Reschedule"
          question={`Give job ${j.id} a new trigger (JSON, as in the API). Its first fire is computed from now.`}
          onConfirm={() =>
            act('Reschedule', async () => {
              let trigger: unknown;
              try {
                trigger = JSON.parse(triggerText || JSON.stringify(j.trigger));
              } catch {
                throw new ApiError(400, 'the trigger is not valid JSON', null);
              }
              await post(`${path(id)}/reschedule`, { trigger });
            })
          }
        >
          <label class="block">
            New trigger (JSON)
            <textarea
              rows={6}
              cols={50}
              value={triggerText || JSON.stringify(j.trigger, null, 2)}
              onInput={(e) => setTriggerText((e.target as HTMLTextAreaElement).value)}
            />
          </label>
        </ConfirmButton>
        <ConfirmButton
          danger
          label="Delete"
          question={`Delete job ${j.id}? This cannot be undone; a run in flight finishes.`}
          onConfirm={() =>
            act('Delete', async () => {
              await api('DELETE', path(id));
              location.hash = '#/jobs';
            })
          }
        />
      </div>
      <section aria-labelledby="trigger-h">
        <h2 id="trigger-h">Trigger</h2>
        <p data-testid="trigger-words">{triggerInWords(j.trigger)}</p>
        <details>
          <summary>As JSON</summary>
          <pre>{JSON.stringify(j.trigger, null, 2)}</pre>
        </details>
        <dl class="stats">
          <div class="stat">
            <dt>Next run</dt>
            <dd>{fmtTime(j.nextRunTime)}</dd>
          </div>
          <div class="stat">
            <dt>Handler</dt>
            <dd>{j.action.handler}</dd>
          </div>
          <div class="stat">
            <dt>Misfire grace</dt>
            <dd>{j.misfireGraceTime === null ? 'none (runs however late)' : `${j.misfireGraceTime} s`}</dd>
          </div>
          <div class="stat">
            <dt>Coalesce / max instances</dt>
            <dd>
              {j.coalesce ? 'yes' : 'no'} / {j.maxInstances}
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="next-h">
        <h2 id="next-h">Next 10 fire times</h2>
        <ErrorNote error={fires.error} />
        {j.paused && <p>Paused: no fire times until resumed.</p>}
        {fires.data && (
          <table>
            <caption>In {fires.data.timezone}; a changed UTC offset (daylight saving) is marked</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Local time</th>
                <th scope="col">UTC offset</th>
                <th scope="col">UTC</th>
              </tr>
            </thead>
            <tbody>
              {fires.data.fireTimes.map((f, i) => {
                const changed = lastOffset !== null && f.offset !== lastOffset;
                lastOffset = f.offset;
                return (
                  <tr class={changed ? 'dst' : ''}>
                    <td>{i + 1}</td>
                    <td>{f.local.replace('T', ' ').slice(0, 19)}</td>
                    <td>
                      {f.offset}
                      {changed ? <strong class="dst-mark"> offset changes (DST)</strong> : null}
                    </td>
                    <td>{f.utc}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="runs-h">
        <h2 id="runs-h">Run history</h2>
        <ErrorNote error={runs.error} />
        {runs.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Scheduled</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col">Outcome</th>
                <th scope="col">Attempt</th>
                <th scope="col">Error</th>
                <th scope="col">Replica</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.length === 0 && (
                <tr>
                  <td colSpan={7}>No runs yet.</td>
                </tr>
              )}
              {runs.data.items.map((r) => (
                <tr>
                  <td>{fmtTime(r.scheduledAt)}</td>
                  <td>{fmtTime(r.startedAt)}</td>
                  <td>{fmtTime(r.finishedAt)}</td>
                  <td>
                    <span class={`badge ${r.outcome}`}>{r.outcome}</span>
                  </td>
                  <td>{r.attempt ?? 1}</td>
                  <td class="wrap">{r.error ?? ''}</td>
                  <td>{r.owner}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

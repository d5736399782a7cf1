import { useState } from 'preact/hooks';

import { get } from '../api';
import { useLoad } from '../hooks';
import { triggerInWords } from '../trigger-words';
import type { Job } from '../types';
import { ErrorNote, fmtTime, Pager } from '../ui';

const STATES = ['', 'scheduled', 'paused'];
const TYPES = ['', 'date', 'interval', 'cron', 'calendarinterval', 'and', 'or'];

export function JobList({ query }: { query: URLSearchParams }) {
  const [state, setState] = useState(query.get('state') ?? '');
  const [triggerType, setTriggerType] = useState(query.get('triggerType') ?? '');
  const [namePrefix, setNamePrefix] = useState(query.get('namePrefix') ?? '');
  const [limit, setLimit] = useState(Number(query.get('limit') ?? 25));
  // Cursors of the pages visited, so Previous can go back (the API pages forward only).
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [applied, setApplied] = useState({ state, triggerType, namePrefix, limit });
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () => {
      const q = new URLSearchParams();
      if (applied.state) q.set('state', applied.state);
      if (applied.triggerType) q.set('triggerType', applied.triggerType);
      if (applied.namePrefix) q.set('namePrefix', applied.namePrefix);
      q.set('limit', String(applied.limit));
      if (cursor) q.set('cursor', cursor);
      return get<{ items: Job[]; nextCursor: string | null }>(`/v1/jobs?${q}`);
    },
    [applied, cursor],
    15_000,
  );
  const apply = (e: Event) => {
    e.preventDefault();
    setCursors([null]);
    setApplied({ state, triggerType, namePrefix, limit });
  };
  return (
    <>
      <h1>Jobs</h1>
      <form class="filters" onSubmit={apply} aria-label="Filter jobs">
        <label>
          State
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            {STATES.map((s) => (
              <option value={s}>{s || 'any'}</option>
            ))}
          </select>
        </label>
        <label>
          Trigger type
          <select value={triggerType} onChange={(e) => setTriggerType((e.target as HTMLSelectElement).value)}>
            {TYPES.map((s) => (
              <option value={s}>{s || 'any'}</option>
            ))}
          </select>
        </label>
        <label>
          Name starts with
          <input
            value={namePrefix}
            maxLength={255}
            onInput={(e) => setNamePrefix((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Per page
          <select
            value={String(limit)}
            onChange={(e) => setLimit(Number((e.target as HTMLSelectElement).value))}
          >
            {[10, 25, 50, 100].map((n) => (
              <option value={String(n)}>{n}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Apply
        </button>
      </form>
      <ErrorNote error={page.error} />
      {page.data && (
        <>
          <table class="jobs">
            <caption>Page {cursors.length}, sorted by next run time (paused last)</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Trigger</th>
                <th scope="col">Next run</th>
                <th scope="col">Handler</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.length === 0 && (
                <tr>
                  <td colSpan={5}>No jobs match.</td>
                </tr>
              )}
              {page.data.items.map((j) => (
                <tr data-job-id={j.id}>
                  <th scope="row">
                    <a href={`#/jobs/${encodeURIComponent(j.id)}`}>{j.name || j.id}</a>
                    {j.name && j.name !== j.id ? <div class="hint">{j.id}</div> : null}
                  </th>
                  <td>
                    <span class={`badge ${j.state}`}>{j.state}</span>
                  </td>
                  <td>{triggerInWords(j.trigger)}</td>
                  <td>{fmtTime(j.nextRunTime)}</td>
                  <td>{j.action.handler}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Pages" cursors={cursors} setCursors={setCursors} nextCursor={page.data.nextCursor} />
        </>
      )}
    </>
  );
}

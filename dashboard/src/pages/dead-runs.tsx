import { useEffect, useRef, useState } from 'preact/hooks';

import { api, get, post } from '../api';
import { useLoad } from '../hooks';
import type { DeadRun } from '../types';
import { ConfirmButton, ErrorNote, fmtTime, Pager } from '../ui';

const PAGE = 25;
const path = (id: string) => `/v1/dead-runs/${encodeURIComponent(id)}`;

const argsText = (args: unknown): string => {
  const text = args === undefined ? '' : JSON.stringify(args);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** Runs whose attempts ran out (GET /v1/dead-runs, oldest first): retry or discard, each confirmed. */
export function DeadRuns() {
  // Cursors of the pages visited, so Previous can go back (the API pages forward only).
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      get<{ items: DeadRun[]; nextCursor: string | null }>(
        `/v1/dead-runs?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ),
    [cursor],
    15_000,
  );
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The acted-on row goes away with the reload; focus then moves to the section, not to nowhere.
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    if (!document.activeElement || document.activeElement === document.body) heading.current?.focus();
  }, [page.data]);
  const act = async (what: string, run: DeadRun, call: () => Promise<unknown>, done: string) => {
    setActionError(null);
    try {
      await call();
      setMessage(`${what} dead run ${run.id} (job ${run.jobId}): ${done}`);
      refocus.current = true;
      page.reload();
    } catch (e) {
      setActionError(`${what} dead run ${run.id} failed: ${e instanceof Error ? e.message : String(e)}`);
      page.reload();
    }
  };
  return (
    <section aria-labelledby="runs-h">
      <h2 id="runs-h" ref={heading} tabIndex={-1}>
        Dead runs
      </h2>
      <p role="status" aria-live="polite" class="status-line">
        {message}
      </p>
      <ErrorNote error={actionError} />
      <ErrorNote error={page.error} />
      {page.data && (
        <>
          <table class="dead-runs">
            <caption>
              Runs whose attempts ran out (the job's retry policy), oldest first; page {cursors.length}
            </caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Action</th>
                <th scope="col">Scheduled run</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Died</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.length === 0 && (
                <tr>
                  <td colSpan={7}>No dead runs.</td>
                </tr>
              )}
              {page.data.items.map((r) => (
                <tr data-dead-run-id={r.id} key={r.id}>
                  <th scope="row">
                    <a href={`#/jobs/${encodeURIComponent(r.jobId)}`}>{r.jobId}</a>
                    <div class="hint">dead run {r.id}</div>
                  </th>
                  <td class="wrap">
                    <strong>{r.action.handler}</strong> <code>{argsText(r.action.args)}</code>
                  </td>
                  <td>{fmtTime(r.scheduledAt)}</td>
                  <td>{r.attempts}</td>
                  <td class="wrap">{r.lastError}</td>
                  <td>{fmtTime(r.deadAt)}</td>
                  <td>
                    <div class="actions" role="group" aria-label={`Dead run ${r.id} actions`}>
                      <ConfirmButton
                        label="Retry"
                        name={`Retry dead run ${r.id} of job ${r.jobId}`}
                        question={`Retry the run of job ${r.jobId} scheduled at ${fmtTime(r.scheduledAt)}? It gets a new set of attempts (same event ids), the first one now.`}
                        onConfirm={() =>
                          act(
                            'Retry',
                            r,
                            () => post(`${path(r.id)}/retry`),
                            'its first new attempt is due now.',
                          )
                        }
                      />
                      <ConfirmButton
                        danger
                        label="Delete"
                        name={`Delete dead run ${r.id} of job ${r.jobId}`}
                        question={`Discard the dead run of job ${r.jobId} scheduled at ${fmtTime(r.scheduledAt)}? It is not retried and no longer listed.`}
                        onConfirm={() => act('Delete', r, () => api('DELETE', path(r.id)), 'discarded.')}
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Dead run pages"
            cursors={cursors}
            setCursors={setCursors}
            nextCursor={page.data.nextCursor}
          />
        </>
      )}
    </section>
  );
}

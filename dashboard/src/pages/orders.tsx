import { useState } from 'preact/hooks';

import { get } from '../api';
import { useLoad } from '../hooks';
import type { OrderView } from '../types';
import { ErrorNote, fmtTime } from '../ui';

/** docs/orders.md's state machine: each stage, what leads to it, and what it means. */
const STAGES: Array<{ stage: string; label: string; via: string }> = [
  { stage: 'unknown', label: 'not seen', via: 'no orders.created or orders.paid yet' },
  { stage: 'pending', label: 'pending', via: 'orders.created: timeout job scheduled' },
  { stage: 'paid', label: 'paid', via: 'orders.paid in time: job removed, no cancel' },
  { stage: 'cancelled', label: 'cancelled', via: 'timeout fired: orders.cancel + inventory.restock emitted' },
  {
    stage: 'late_paid',
    label: 'late paid',
    via: 'orders.paid after the cancel: orders.late-payment emitted',
  },
  {
    stage: 'paid_before_created',
    label: 'paid before created',
    via: 'tombstone: a later orders.created schedules nothing',
  },
];

export function OrdersPage({ orderId }: { orderId: string | null }) {
  const [input, setInput] = useState(orderId ?? '');
  const order = useLoad(
    () => (orderId ? get<OrderView>(`/v1/orders/${encodeURIComponent(orderId)}`) : Promise.resolve(null)),
    [orderId],
    orderId ? 5000 : undefined,
  );
  const o = order.data;
  return (
    <>
      <h1>Orders</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = `#/orders/${encodeURIComponent(input.trim())}`;
        }}
      >
        <label>
          Order id
          <input
            value={input}
            required
            maxLength={191}
            onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary">
          Look up
        </button>
      </form>
      <ErrorNote error={order.error} />
      {o && (
        <>
          <h2>
            Order {o.orderId}:{' '}
            <span data-testid="order-stage">{STAGES.find((s) => s.stage === o.stage)?.label ?? o.stage}</span>
          </h2>
          <ol class="machine" aria-label="Where the order is in its state machine">
            {STAGES.map((s) => (
              <li
                class={s.stage === o.stage ? 'current' : ''}
                aria-current={s.stage === o.stage ? 'step' : undefined}
              >
                <strong>{s.label}</strong>
                <span>{s.via}</span>
              </li>
            ))}
          </ol>
          <p class="hint">
            Stored status: {o.status ?? 'none'}. “Cancelled” is pending with its timeout job fired
            (docs/orders.md).
          </p>
          <section aria-labelledby="timeout-h">
            <h3 id="timeout-h">Timeout job</h3>
            {o.timeoutJob ? (
              <p>
                <a href={`#/jobs/${encodeURIComponent(o.timeoutJobId)}`}>{o.timeoutJobId}</a>: fires at{' '}
                {fmtTime(o.timeoutJob.nextRunTime)}
              </p>
            ) : (
              <p>{o.timeoutJobId}: not scheduled (fired, removed by payment, or never created).</p>
            )}
            {o.runs.length > 0 && (
              <table>
                <caption>Runs of the timeout job</caption>
                <thead>
                  <tr>
                    <th scope="col">Scheduled</th>
                    <th scope="col">Finished</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {o.runs.map((r) => (
                    <tr>
                      <td>{fmtTime(r.scheduledAt)}</td>
                      <td>{fmtTime(r.finishedAt)}</td>
                      <td>
                        <span class={`badge ${r.outcome}`}>{r.outcome}</span>
                      </td>
                      <td>{r.error ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="events-h">
            <h3 id="events-h">Events emitted</h3>
            {o.events.length === 0 ? (
              <p>None.</p>
            ) : (
              <table data-testid="order-events">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Topic</th>
                    <th scope="col">Event id</th>
                  </tr>
                </thead>
                <tbody>
                  {o.events.map((e) => (
                    <tr>
                      <td>{e.kind}</td>
                      <td>{e.topic}</td>
                      <td>
                        <code>{e.eventId}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}

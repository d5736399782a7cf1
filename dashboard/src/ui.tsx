import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export function ErrorNote({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Previous/next over a cursor-paged list: `cursors` is the stack of pages visited (null = first). */
export function Pager(props: {
  label: string;
  cursors: Array<string | null>;
  setCursors: (cursors: Array<string | null>) => void;
  nextCursor: string | null | undefined;
}) {
  const { label, cursors, setCursors, nextCursor } = props;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
        Previous page
      </button>
      <button
        type="button"
        disabled={!nextCursor}
        onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
      >
        Next page
      </button>
    </nav>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>
        {value}
        {hint ? <span class="hint"> {hint}</span> : null}
      </dd>
    </div>
  );
}

export const fmtSeconds = (s: number | null | undefined): string =>
  s === null || s === undefined
    ? '–'
    : s < 1
      ? `${Math.round(s * 1000)} ms`
      : `${s.toFixed(s < 10 ? 2 : 0)} s`;

export const fmtTime = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { hour12: false }) : '–';

/**
 * A button that asks before it acts, in a modal <dialog> (focus moves into it, Escape cancels).
 * `name` is its accessible name when the visible label alone is ambiguous (one per table row).
 */
export function ConfirmButton(props: {
  label: string;
  name?: string;
  question: string;
  onConfirm: () => Promise<void> | void;
  danger?: boolean;
  children?: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      dialog.current?.close();
    }
  };
  return (
    <>
      <button
        type="button"
        class={props.danger ? 'danger' : ''}
        aria-label={props.name}
        onClick={() => dialog.current?.showModal()}
      >
        {props.label}
      </button>
      <dialog ref={dialog} aria-label={`Confirm: ${props.name ?? props.label}`}>
        <form method="dialog">
          <p>{props.question}</p>
          {props.children}
          <div class="actions">
            <button
              type="button"
              class={props.danger ? 'danger' : 'primary'}
              disabled={busy}
              onClick={confirm}
            >
              {`Yes, ${props.label.toLowerCase()}`}
            </button>
            <button type="submit" value="cancel" autofocus>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** A small SVG line chart: one or more series over the same x points, with a readable data table. */
export function LineChart(props: {
  title: string;
  labels: string[];
  series: Array<{ name: string; values: Array<number | null>; className: string }>;
  unit: (v: number) => string;
}) {
  const w = 640;
  const h = 180;
  const pad = { l: 56, r: 8, t: 10, b: 24 };
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1e-9, ...all);
  const x = (i: number) => pad.l + (i * (w - pad.l - pad.r)) / Math.max(1, props.labels.length - 1);
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const path = (values: Array<number | null>) =>
    values
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .reduce<string[]>((acc, p, i, arr) => {
        if (p === null) return acc;
        acc.push(`${i === 0 || arr[i - 1] === null ? 'M' : 'L'}${p}`);
        return acc;
      }, [])
      .join(' ');
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.title}: chart, data in the table below`}>
        <line x1={pad.l} y1={h - pad.b} x2={w - pad.r} y2={h - pad.b} class="axis" />
        <line x1={pad.l} y1={pad.t} x2={pad.l} y2={h - pad.b} class="axis" />
        <text x={pad.l - 4} y={pad.t + 8} class="tick" text-anchor="end">
          {props.unit(max)}
        </text>
        <text x={pad.l - 4} y={h - pad.b} class="tick" text-anchor="end">
          0
        </text>
        <text x={pad.l} y={h - 6} class="tick">
          {props.labels[0]}
        </text>
        <text x={w - pad.r} y={h - 6} class="tick" text-anchor="end">
          {props.labels[props.labels.length - 1]}
        </text>
        {props.series.map((s) => (
          <path d={path(s.values)} class={`line ${s.className}`} />
        ))}
        {props.series.map((s) =>
          s.values.map((v, i) =>
            v === null ? null : <circle cx={x(i)} cy={y(v)} r={2.5} class={`dot ${s.className}`} />,
          ),
        )}
      </svg>
      <ul class="legend">
        {props.series.map((s) => (
          <li class={s.className}>{s.name}</li>
        ))}
      </ul>
      <details>
        <summary>Data</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Minute</th>
              {props.series.map((s) => (
                <th scope="col">{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.labels.map((label, i) => (
              <tr>
                <td>{label}</td>
                {props.series.map((s) => (
                  <td>{s.values[i] === null ? '–' : props.unit(s.values[i] as number)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

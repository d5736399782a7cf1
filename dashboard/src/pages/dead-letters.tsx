import { useState } from 'preact/hooks';

import { get, post } from '../api';
import { useLoad } from '../hooks';
import type { DeadLetter } from '../types';
import { ConfirmButton, ErrorNote, fmtTime } from '../ui';
import { DeadRuns } from './dead-runs';

interface Summary {
  topics: Array<{ topic: string; dlqTopic: string; count: number; replayed: number }>;
}
interface Page {
  topic: string;
  dlqTopic: string;
  partitions: Array<{ partition: number; low: string; high: string; count: number }>;
  messages: DeadLetter[];
}

export function DeadLettersPage({ topic }: { topic: string | null }) {
  const summary = useLoad(() => get<Summary>('/v1/dead-letters'), [], 15_000);
  return (
    <>
      <h1>Dead letters</h1>
      <ErrorNote error={summary.error} />
      {summary.data && (
        <table>
          <caption>Inbound messages that could not be parsed, validated or stored, per topic</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Dead-letter topic</th>
              <th scope="col">Messages</th>
              <th scope="col">Replayed</th>
            </tr>
          </thead>
          <tbody>
            {summary.data.topics.map((t) => (
              <tr>
                <th scope="row">
                  <a
                    href={`#/dead-letters/${encodeURIComponent(t.topic)}`}
                    aria-current={t.topic === topic ? 'page' : undefined}
                  >
                    {t.topic}
                  </a>
                </th>
                <td>{t.dlqTopic}</td>
                <td>{t.count}</td>
                <td>{t.replayed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {topic && <TopicDeadLetters topic={topic} onReplayed={summary.reload} />}
      <DeadRuns />
    </>
  );
}

function TopicDeadLetters({ topic, onReplayed }: { topic: string; onReplayed: () => void }) {
  const page = useLoad(
    () => get<Page>(`/v1/dead-letters/${encodeURIComponent(topic)}?limit=50`),
    [topic],
    15_000,
  );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [partition, setPartition] = useState('0');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const replay = async () => {
    setError(null);
    try {
      const r = await post<{ replayed: number; results: Array<{ offset: string; outcome: string }> }>(
        `/v1/dead-letters/${encodeURIComponent(topic)}/replay`,
        { partition: Number(partition), fromOffset: from, toOffset: to || from },
      );
      setResult(
        `Replayed ${r.replayed}: ${r.results.map((x) => `${x.offset} ${x.outcome}`).join(', ') || 'nothing in that range'}.`,
      );
      page.reload();
      onReplayed();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="dl-h">
      <h2 id="dl-h">{topic}.dlq</h2>
      <ErrorNote error={page.error} />
      <form class="filters" aria-label="Replay a range" onSubmit={(e) => e.preventDefault()}>
        <label>
          Partition
          <input
            inputMode="numeric"
            pattern="[0-9]+"
            size={4}
            value={partition}
            onInput={(e) => setPartition((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          From offset
          <input
            inputMode="numeric"
            pattern="[0-9]+"
            size={8}
            value={from}
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          To offset (inclusive)
          <input
            inputMode="numeric"
            pattern="[0-9]+"
            size={8}
            value={to}
            onInput={(e) => setTo((e.target as HTMLInputElement).value)}
          />
        </label>
        <ConfirmButton
          label="Replay"
          question={`Republish ${topic}.dlq partition ${partition}, offsets ${from || '?'}–${to || from || '?'}, to ${topic}? Each message is sent at most once.`}
          onConfirm={replay}
        />
      </form>
      <p role="status" aria-live="polite">
        {result}
      </p>
      <ErrorNote error={error} />
      {page.data && (
        <table class="dead-letters">
          <caption>The most recent dead letters, per partition</caption>
          <thead>
            <tr>
              <th scope="col">Partition / offset</th>
              <th scope="col">Key</th>
              <th scope="col">Error</th>
              <th scope="col">Source</th>
              <th scope="col">Value</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {page.data.messages.length === 0 && (
              <tr>
                <td colSpan={6}>No dead letters.</td>
              </tr>
            )}
            {page.data.messages.map((m) => (
              <tr data-offset={m.offset}>
                <td>
                  {m.partition} / {m.offset}
                </td>
                <td>{m.key ?? '–'}</td>
                <td class="wrap">
                  <strong>{m.error.code ?? '?'}</strong> {m.error.message}
                </td>
                <td>
                  {m.error.sourceTopic}/{m.error.sourcePartition}@{m.error.sourceOffset}
                </td>
                <td class="wrap">
                  <code>{m.value.length > 300 ? `${m.value.slice(0, 300)}…` : m.value}</code>
                </td>
                <td>
                  {m.replay
                    ? `${m.replay.status} ${fmtTime(m.replay.publishedAt ?? m.replay.claimedAt)}`
                    : 'not replayed'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

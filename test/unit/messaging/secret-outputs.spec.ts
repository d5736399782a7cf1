import { PublishError } from '../../../src/messaging/errors';
import type { BusMessage, InboundRecord } from '../../../src/messaging/event-bus';
import { deadLetter } from '../../../src/messaging/inbound/dead-letter';
import { describeError } from '../../../src/messaging/sleep';
import { expectNoSecret, leakyText, secretConfig } from '../../support/secret-fixture';
import { relayOver, until } from './relay-fixture';

// What messaging records or publishes about an error (DLQ headers, the outbox's lastError, the
// publish dead-letter notice, relay status), given errors quoting every configured secret.
const { secrets } = secretConfig();

describe('messaging error text', () => {
  it('describeError, behind every status and lastError of messaging, hides secrets', () => {
    expectNoSecret(describeError(new Error(leakyText())), secrets);
    expectNoSecret(describeError(leakyText()), secrets);
  });

  it('a dead-lettered record names its error without secrets (the value itself is passed on unchanged)', () => {
    const record: InboundRecord = {
      topic: 'orders.created',
      partition: 0,
      offset: '7',
      key: 'k',
      value: Buffer.from('{"x":1}'),
      headers: {},
    };
    const letter = deadLetter(record, 'STORE_REJECTED', leakyText());
    expect(letter.headers['x-dlq-error']).toContain('connect failed');
    expectNoSecret(JSON.stringify(letter.headers), secrets);
  });

  it('an event the broker refuses is recorded, reported and dead-lettered without secrets', async () => {
    const published: BusMessage[] = [];
    const bus = {
      async publish(messages: BusMessage[]): Promise<void> {
        if (messages.some((m) => m.topic === 'refusing'))
          throw new PublishError(leakyText(), undefined, 'MESSAGE_TOO_LARGE', ['refusing']);
        published.push(...messages);
      },
    };
    const { clock, store, relay } = relayOver(bus, {
      isolatedRetryBaseMs: 1000,
      isolatedRetryMaxMs: 1000,
      deadLetterAfterMs: 2000,
      deadLetterTopic: 'dead',
      stopGraceMs: 200,
    });
    const eventId = '00000000-0000-4000-8000-000000000001';
    await store.append([
      { eventId, topic: 'refusing', key: 'k', value: { n: 1 }, headers: { 'x-scheduler-job-id': 'job-1' } },
    ]);
    relay.start();
    await until(async () => ((await store.fetchUnsent(10, { topic: 'refusing' }))[0]?.attempts ?? 0) > 0);
    const unsent = await store.fetchUnsent(10, { topic: 'refusing' });
    const status = relay.status();
    for (let s = 0; s < 4 && !published.some((m) => m.topic === 'dead'); s++) {
      clock.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await until(() => published.some((m) => m.topic === 'dead'));
    await relay.stop();
    const dead = await store.listDeadLetters({ limit: 10 });
    const notice = published.filter((m) => m.topic === 'dead').map((m) => String(m.value));
    expect(dead).toHaveLength(1);
    expect(unsent[0].lastError).toContain('connect failed');
    const text = JSON.stringify({ unsent, status, dead, notice });
    expect(text).toContain('connect failed');
    expectNoSecret(text, secrets);
  });
});

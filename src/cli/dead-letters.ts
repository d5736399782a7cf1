import { parseArgs } from 'node:util';

import { DataSource, type DataSourceOptions } from 'typeorm';

import { loadConfig } from '../app/config/load-config';
import { configuredSecretValues } from '../app/config/secret-values';
import { registerSecretValues } from '../app/logging/secret-scrubber';
import { databaseOptions } from '../app/database/database-options';
import { createKafkaClient } from '../app/kafka/kafka-client';
import { DeadLetterReplayer } from '../messaging/dead-letters/dead-letter-replayer';
import { KafkaEventBus } from '../messaging/kafka/kafka-event-bus';
import { KafkaTopicReader } from '../messaging/kafka/kafka-topic-reader';
import { runMigrations } from '../persistence/data-source';
import { MySqlReplayLedger } from '../persistence/mysql-replay-ledger';

export const DEAD_LETTERS_USAGE = `usage: cli dead-letters list --topic T [--partition N] [--from OFFSET] [--limit N]
       cli dead-letters replay --topic T --partition N --from OFFSET --to OFFSET [--retry-failed]
  (T is the inbound topic; its dead letters are on T.dlq. Needs DATABASE_URL and KAFKA_BROKERS,
   as the service has them: replays are recorded in the service's database, each at most once.)`;

export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE';
}

/** `dead-letters list|replay`: talks to Kafka and the database directly (the service may be down). */
export async function deadLettersCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      topic: { type: 'string' },
      partition: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      'retry-failed': { type: 'boolean' },
    },
    strict: true,
  });
  if (command !== 'list' && command !== 'replay') throw new CliUsageError(DEAD_LETTERS_USAGE);
  if (!values.topic) throw new CliUsageError('--topic is required');
  const config = loadConfig(env);
  registerSecretValues(configuredSecretValues(config));
  if (!config.database.url || !config.kafka.brokers)
    throw new CliUsageError('DATABASE_URL and KAFKA_BROKERS must be set (as for the service)');
  const kafka = createKafkaClient({ ...config.kafka, brokers: config.kafka.brokers });
  const bus = new KafkaEventBus(kafka, {
    groupId: config.kafka.groupId,
    fromBeginning: false,
    topicPartitions: config.kafka.topicPartitions,
    replicationFactor: config.kafka.replicationFactor,
    maxBatch: config.inbound.batchSize,
    partitionsConcurrently: 1,
  });
  // The service's own connection settings (TLS, password files), with a small pool.
  const dataSource = new DataSource({
    ...databaseOptions({ ...config.database, url: config.database.url }),
    poolSize: 2,
  } as DataSourceOptions);
  try {
    await runMigrations(dataSource);
    const replayer = new DeadLetterReplayer(
      new KafkaTopicReader(kafka, { groupPrefix: `${config.kafka.groupId}.dlq-reader` }),
      bus,
      new MySqlReplayLedger(dataSource),
      { topics: null },
    );
    if (command === 'list') {
      const page = await replayer.list(values.topic, {
        partition: optionalInt(values.partition, '--partition'),
        fromOffset: values.from,
        limit: optionalInt(values.limit, '--limit') ?? 50,
      });
      out(JSON.stringify({ topic: page.topic, dlqTopic: page.dlqTopic, partitions: page.partitions }));
      for (const m of page.messages) out(JSON.stringify(m));
    } else {
      const partition = optionalInt(values.partition, '--partition');
      if (partition === undefined || !values.from || !values.to)
        throw new CliUsageError('replay needs --partition, --from and --to');
      out(
        JSON.stringify(
          await replayer.replay(values.topic, {
            partition,
            fromOffset: offset(values.from, '--from'),
            toOffset: offset(values.to, '--to'),
            retryFailed: values['retry-failed'] === true,
          }),
        ),
      );
    }
  } finally {
    await bus.close().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function optionalInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new CliUsageError(`${flag} must be a non-negative integer`);
  return Number(value);
}

function offset(value: string, flag: string): string {
  if (!/^(0|[1-9]\d{0,17})$/.test(value)) throw new CliUsageError(`${flag} must be a Kafka offset`);
  return value;
}

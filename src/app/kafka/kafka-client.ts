import { Kafka, logLevel } from 'kafkajs';

import type { AppConfig } from '../config/app-config';

/** One kafkajs client per process; producers, consumers and the admin come from it. */
export function createKafkaClient(config: AppConfig & { KAFKA_BROKERS: string[] }): Kafka {
  return new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

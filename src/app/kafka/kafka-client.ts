import type { ConnectionOptions } from 'node:tls';

import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';

import type { KafkaSecurity, TlsSettings } from '../config/security';
import type { KafkaWithBrokers } from '../config/settings/kafka-settings';
import { kafkaLogCreator } from './kafka-log';

/** Node TLS options for the brokers; without a CA file Node's built-in roots are trusted. */
function kafkaTls(tls: TlsSettings): ConnectionOptions {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key?.reveal(),
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** kafkajs `ssl` and `sasl` from the validated settings. */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { ssl, sasl } = security;
  return {
    ...(ssl ? { ssl: kafkaTls(ssl) } : {}),
    ...(sasl
      ? {
          sasl: {
            mechanism: sasl.mechanism,
            username: sasl.username,
            password: sasl.password.reveal(),
          } as SASLOptions,
        }
      : {}),
  };
}

/**
 * One kafkajs client per process; producers, consumers and the admin come from it. Every wait
 * is bounded (connect, TLS handshake included; SASL exchange; request), so a listener speaking
 * another protocol fails with an error instead of hanging.
 */
export function createKafkaClient(kafka: KafkaWithBrokers): Kafka {
  return new Kafka({
    clientId: kafka.clientId,
    brokers: kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(),
    connectionTimeout: 3000,
    authenticationTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 5, initialRetryTime: 200 },
    ...kafkaSecurityOptions(kafka.security),
  });
}

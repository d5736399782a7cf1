import { Kafka, logLevel } from 'kafkajs';

import type { KafkaWithBrokers } from '../config/settings/kafka-settings';
import { kafkaSecurityOptions } from '../kafka/kafka-client';
import { rootCause, StartupConnectionError, tlsProblem } from './startup-error';

export type KafkaCheck = { ok: true } | { ok: false; transient: true; message: string };

/**
 * Connects once (bounded: connect 3 s, SASL 5 s, request 10 s, one retry) the way the service
 * will. Settings the broker refuses (password, CA, client certificate, TLS on or off) throw a
 * StartupConnectionError naming them; a broker that is down is only reported, since the
 * consumer and relay retry on their own.
 */
export async function checkKafka(kafka: KafkaWithBrokers): Promise<KafkaCheck> {
  const admin = new Kafka({
    clientId: `${kafka.clientId}-startup-check`,
    brokers: kafka.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    authenticationTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 1, initialRetryTime: 300 },
    ...kafkaSecurityOptions(kafka.security),
  }).admin();
  try {
    await admin.connect();
    // A request beyond the handshake: a SASL listener answers ApiVersions before any login.
    await admin.describeCluster();
    return { ok: true };
  } catch (error) {
    return classify(error, kafka);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function classify(error: unknown, kafka: KafkaWithBrokers): KafkaCheck {
  const cause = rootCause(error);
  const where = `Kafka at ${kafka.brokers.join(',')}`;
  const { ssl, sasl } = kafka.security;
  const fail = (settings: string[], why: string): never => {
    throw new StartupConnectionError(
      settings,
      `${settings.join(' / ')}: ${where} ${why} (${cause.message.trim()})`,
    );
  };
  if (cause.name === 'KafkaJSSASLAuthenticationError') {
    fail(
      ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_MECHANISM'],
      `refused the SASL ${sasl?.mechanism ?? ''} login of '${sasl?.username ?? ''}'`,
    );
  }
  const problem = tlsProblem(cause);
  if (problem === 'untrusted') {
    fail(['KAFKA_SSL_CA_FILE'], 'presented a certificate no trusted CA signed (set the CA that issued it)');
  }
  if (problem === 'hostname') {
    fail(['KAFKA_SSL_CHECK_HOSTNAME'], 'presented a certificate for another host name');
  }
  if (problem === 'client-certificate') {
    fail(['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'], 'refused the client certificate (or its absence)');
  }
  if (
    ssl &&
    /before secure TLS connection was established|wrong version number|packet length too long/i.test(
      cause.message,
    )
  ) {
    fail(['KAFKA_SSL'], 'does not speak TLS on that port (KAFKA_SSL=true, listener is PLAINTEXT?)');
  }
  if (cause.name === 'KafkaJSConnectionClosedError' && (!ssl || !sasl)) {
    // A TLS listener drops a plaintext hello; a SASL listener drops requests sent before a login.
    const settings = [...(ssl ? [] : ['KAFKA_SSL']), ...(sasl ? [] : ['KAFKA_SASL_MECHANISM'])];
    fail(
      settings,
      `closed the connection at the first request: the listener probably expects ${ssl ? 'SASL' : sasl ? 'TLS (KAFKA_SSL=true)' : 'TLS (KAFKA_SSL=true) or SASL'}`,
    );
  }
  if (sasl === undefined && /SASL|authentication/i.test(cause.message)) {
    fail(['KAFKA_SASL_MECHANISM'], 'requires SASL authentication');
  }
  return { ok: false, transient: true, message: `${where} is not reachable yet: ${cause.message.trim()}` };
}

import type { INestApplication } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import * as mysql from 'mysql2/promise';
import request from 'supertest';

import { loadConfig } from '../../../src/app/config/load-config';
import { createKafkaClient } from '../../../src/app/kafka/kafka-client';
import { FakeClock } from '../../../src/scheduler';
import { uniqueSuffix } from '../../support/env';
import { eventually } from '../../support/eventually';
import { startTlsInfra, type TlsInfra } from '../../support/tls-infra';
import { bootService, dataSource, uniqueServiceTopics, type ServiceTopics } from '../orders/order-app';

// The whole service against MariaDB with require_secure_transport=ON (every connection of the
// pool, the migrations and the relay's lock connection must be TLS or the server refuses it) and
// Kafka over SASL_SSL with SCRAM-SHA-512 (consumer, relay producer, admin, health). An order
// that is never paid is cancelled on the TLS broker. Budget: first start of the TLS servers
// (up to ~2 min), then a consumer group join and one relayed event (seconds).
jest.setTimeout(300_000);

const T0 = new Date('2030-06-01T00:00:00.000Z');
let tls: TlsInfra;
let admin: mysql.Connection;
let database: string;
let topics: ServiceTopics;
let app: INestApplication;
let kafka: Kafka;
const clock = new FakeClock(T0);

function env(): Record<string, string> {
  return {
    DATABASE_SSL: 'true',
    DATABASE_SSL_CA_FILE: tls.file('ca.pem'),
    KAFKA_BROKERS: `127.0.0.1:${tls.kafkaSaslSslPort}`,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: tls.file('ca.pem'),
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'scram512-user',
    KAFKA_SASL_PASSWORD: 'scram512-user-secret',
  };
}

beforeAll(async () => {
  tls = await startTlsInfra();
  database = `t_tls_app_${uniqueSuffix()}`.slice(0, 60);
  admin = await mysql.createConnection({
    host: '127.0.0.1',
    port: tls.mariadbPort,
    user: 'scheduler',
    password: 'scheduler',
    ssl: { ca: tls.read('ca.pem') },
  });
  await admin.query(`CREATE DATABASE \`${database}\``);
  topics = uniqueServiceTopics('tls');
  app = await bootService({
    databaseUrl: `mysql://scheduler:scheduler@127.0.0.1:${tls.mariadbPort}/${database}`,
    topics,
    groupId: `tls-${uniqueSuffix()}`,
    replicaId: 'tls-1',
    clock,
    env: env(),
  });
  const config = loadConfig(env());
  kafka = createKafkaClient({ ...config.kafka, brokers: config.kafka.brokers ?? [] });
});

afterAll(async () => {
  await app?.close();
  await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin?.end();
});

it('is ready: MySQL, Kafka, outbox relay and consumer all up over TLS/SASL', async () => {
  const res = await eventually('ready over TLS', async () => {
    const r = await request(app.getHttpServer()).get('/health/ready');
    return r.status === 200 ? r : undefined;
  });
  expect(res.body.checks).toMatchObject({
    mysql: { status: 'up' },
    kafka: { status: 'up' },
    outbox: { status: 'up' },
    inbound: { status: 'up' },
  });
  const [cipher] = (await dataSource(app).query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as Array<{
    Value: string;
  }>;
  expect(cipher.Value).not.toBe('');
});

it('cancels an unpaid order: consumed from and published to the SASL_SSL broker', async () => {
  const orderId = `tls-order-${uniqueSuffix()}`;
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `tls-watch-${uniqueSuffix()}` });
  const cancels: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: topics.TOPIC_ORDERS_CANCEL, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === orderId) cancels.push(message.value?.toString() ?? '');
    },
  });
  try {
    await producer.connect();
    await producer.send({
      topic: topics.TOPIC_ORDERS_CREATED,
      messages: [
        {
          key: orderId,
          value: JSON.stringify({
            eventId: `c-${orderId}`,
            orderId,
            createdAt: T0.toISOString(),
            items: [{ skuId: 'sku-1', quantity: 1 }],
            paymentTimeoutSeconds: 60,
          }),
        },
      ],
    });
    await eventually('order job stored', async () => {
      const rows = (await dataSource(app).query('SELECT COUNT(*) AS n FROM scheduler_jobs')) as Array<{
        n: string;
      }>;
      return Number(rows[0].n) > 0 ? true : undefined;
    });
    await clock.setAsync(new Date(T0.getTime() + 61_000));
    await eventually('orders.cancel on the TLS broker', async () => (cancels.length > 0 ? true : undefined));
    expect(JSON.parse(cancels[0])).toMatchObject({ orderId });
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
});

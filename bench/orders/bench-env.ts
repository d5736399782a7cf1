import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { createConnection } from 'mysql2/promise';

import { AppModule } from '../../src/app/app.module';
import { loadConfig } from '../../src/app/config/load-config';
import { DEFAULT_DATABASE_URL } from '../../src/persistence/data-source';
import { httpAdapter } from '../../src/admin/http-setup';

export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** A fresh database on the DATABASE_URL server (the service migrates it at boot). */
export async function benchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const name = `bench_${label}_${Date.now().toString(36)}`;
  const connect = () =>
    createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
  const admin = await connect();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export function benchTopics(label: string): Record<string, string> {
  const p = `bench.${label}.${Date.now().toString(36)}`;
  return {
    TOPIC_ORDERS_CREATED: `${p}.created`,
    TOPIC_ORDERS_PAID: `${p}.paid`,
    TOPIC_ORDERS_CANCEL: `${p}.cancel`,
    TOPIC_INVENTORY_RESTOCK: `${p}.restock`,
    TOPIC_ORDERS_LATE_PAYMENT: `${p}.late`,
    TOPIC_SCHEDULER_COMMANDS: `${p}.commands`,
  };
}

export function kafka(): Kafka {
  return new Kafka({ clientId: `bench-${process.pid}`, brokers: BROKERS, logLevel: logLevel.NOTHING });
}

/** The service (system clock), against MariaDB and Kafka; no HTTP listener. */
export async function bootService(
  databaseUrl: string,
  topics: Record<string, string>,
  env: Record<string, string> = {},
): Promise<INestApplication> {
  const config = loadConfig({
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_GROUP_ID: `bench-${Date.now().toString(36)}`,
    KAFKA_TOPIC_PARTITIONS: '6',
    ...topics,
    ...env,
  });
  const app = await NestFactory.create(AppModule.forRoot(config), httpAdapter(), { logger: ['error'] });
  await app.init();
  return app;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function until(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

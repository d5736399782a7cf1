import 'reflect-metadata';

import { AdminSettings } from './settings/admin-settings';
import { DatabaseSettings } from './settings/database-settings';
import { HttpSettings } from './settings/http-settings';
import { HttpTargetSettings } from './settings/http-target-settings';
import { InboundSettings } from './settings/inbound-settings';
import { KafkaSettings } from './settings/kafka-settings';
import { LogSettings } from './settings/log-settings';
import { OrderSettings } from './settings/order-settings';
import { OutboxSettings } from './settings/outbox-settings';
import { RetentionSettings } from './settings/retention-settings';
import { RuntimeSettings } from './settings/runtime-settings';
import { SchedulerSettings } from './settings/scheduler-settings';
import { TopicSettings } from './settings/topic-settings';

/**
 * Every setting the service reads, grouped by concern and validated once at start-up
 * (load-config.ts). Each group is a class in ./settings whose properties say, with
 * @Setting('ENV_NAME'), which environment variable they come from: errors name that variable.
 * Mark a setting @SecretSetting() (passwords, keys, URLs with credentials): its value then never
 * appears in a configuration error or a log line. Defaults and meanings are listed in .env.example.
 */
export class AppConfig {
  runtime = new RuntimeSettings();
  http = new HttpSettings();
  log = new LogSettings();
  database = new DatabaseSettings();
  kafka = new KafkaSettings();
  topics = new TopicSettings();
  inbound = new InboundSettings();
  outbox = new OutboxSettings();
  scheduler = new SchedulerSettings();
  orders = new OrderSettings();
  admin = new AdminSettings();
  httpTarget = new HttpTargetSettings();
  retention = new RetentionSettings();
}

export type SettingGroup = keyof AppConfig;

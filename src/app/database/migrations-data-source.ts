import { DataSource } from 'typeorm';

import { DEFAULT_DATABASE_URL } from '../../persistence/data-source';
import { loadConfig } from '../config/load-config';
import { databaseOptions } from './database-options';

/**
 * For the TypeORM CLI (`npm run migration:run`), which loads this file from dist: the same
 * validated settings as the service (DATABASE_URL, DATABASE_PASSWORD(_FILE), DATABASE_SSL_*).
 */
const config = loadConfig({ DATABASE_URL: DEFAULT_DATABASE_URL, ...process.env });
export default new DataSource(
  databaseOptions({ ...config.database, url: config.database.url ?? DEFAULT_DATABASE_URL }),
);

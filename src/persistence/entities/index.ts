import { JobRunEntity } from './job-run.entity';
import { JobEntity } from './job.entity';
import { OutboxEntity } from './outbox.entity';

export { JobEntity, JobRunEntity, OutboxEntity };

/** Every entity the scheduler's DataSource maps. */
export const SCHEDULER_ENTITIES = [JobEntity, JobRunEntity, OutboxEntity];

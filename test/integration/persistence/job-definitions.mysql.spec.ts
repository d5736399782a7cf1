import { describeJobDefinitionsContract } from '../../contract/job-definitions.contract';
import { mysqlReplicaStores } from './mysql-replica-stores';

// Defined jobs reconciled on MariaDB: each "replica" is its own pool and store instance, so what a
// restart or another replica sees can only come from what was stored; replicas starting together
// really race on the source row's lock.
describeJobDefinitionsContract(
  'MySqlJobStore',
  mysqlReplicaStores('job_definitions', '2030-01-01T00:00:00Z'),
);

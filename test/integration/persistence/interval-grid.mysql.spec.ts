import { describeIntervalGridContract } from '../../contract/interval-grid.contract';
import { mysqlReplicaStores } from './mysql-replica-stores';

// The interval grid contract against MariaDB: each "replica" is its own pool and store instance,
// so the anchor can only come from what was stored.
describeIntervalGridContract(
  'MySqlJobStore',
  mysqlReplicaStores('interval_grid', '2030-01-01T16:09:53.848Z'),
);

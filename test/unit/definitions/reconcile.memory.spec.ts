import { describeJobDefinitionsContract } from '../../contract/job-definitions.contract';
import { memoryReplicaStores } from '../../contract/replica-stores';

// The memory store is shared storage for every "replica" of a test: one instance.
describeJobDefinitionsContract('MemoryJobStore', () => memoryReplicaStores('2030-01-01T00:00:00Z'));

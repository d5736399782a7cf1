// Jobs defined in code or in a file, reconciled into the store (docs/library.md, "Defined jobs").
export { JobDefinitionError, JobOwnershipError } from './errors';
export {
  assertUniqueIds,
  definitionHashes,
  definitionSetHash,
  parseJobDefinition,
  type JobDefinition,
} from './job-definition';
export {
  checkDefinitionActions,
  reconcileJobs,
  type ReconcileReport,
  type ReconcileRequest,
} from './reconcile';

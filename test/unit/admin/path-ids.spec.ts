import { pathIdSuite } from '../../support/path-id-suite';
import { API_KEY, createAdminTestApp } from './admin-app';

// Path ids obey the id rule on every :id route: embedded mode.
describe('ids in the path (embedded mode)', () => {
  pathIdSuite(async (env) => (await createAdminTestApp(env)).app, API_KEY);
});

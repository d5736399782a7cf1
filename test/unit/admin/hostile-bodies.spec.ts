import { hostileBodySuite } from '../../support/hostile-body-suite';
import { API_KEY, createAdminTestApp } from './admin-app';

// JSON only, bounded in size and depth, every route that takes a body: embedded mode.
describe('hostile request bodies (embedded mode)', () => {
  hostileBodySuite(async (env) => (await createAdminTestApp(env)).app, API_KEY);
});

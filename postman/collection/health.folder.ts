// Health: liveness and readiness, no credentials. First in the run, so a run against a server
// that is not up stops making sense at once.
import { expectStatus } from './checks';
import { folder, request } from './postman-format';

export const healthFolder = folder('Health', 'Liveness and readiness probes. No credentials.', [
  request({
    name: 'Health: process up',
    method: 'GET',
    path: '/health',
    description: 'Answers while the process runs, whatever the database does.',
    tests: `${expectStatus(200)}
pm.test('status is ok', () => {
  pm.expect(pm.response.json()).to.eql({ status: 'ok' });
});`,
  }),
  request({
    name: 'Ready: database answers',
    method: 'GET',
    path: '/ready',
    description: '`200 {"status":"ready"}` when the database answers, else `503`.',
    tests: `${expectStatus(200)}
pm.test('status is ready', () => {
  pm.expect(pm.response.json()).to.eql({ status: 'ready' });
});`,
  }),
]);

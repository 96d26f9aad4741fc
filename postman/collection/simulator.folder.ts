// Simulator: the embedded Daraja simulator's own counters (simulator mode only; not Daraja's API).
import { expectStatus } from './checks';
import { folder, request } from './postman-format';

export const simulatorFolder = folder(
  'Simulator',
  'Exists only in simulator mode (`MPESA_ENVIRONMENT=simulator`, what `npm start` runs), where the simulator is mounted at `/simulator`.',
  [
    request({
      name: 'Simulator counters',
      method: 'GET',
      path: '/simulator/__simulator/stats',
      description:
        'How many OAuth calls, STK Pushes, STK Queries (and the most in one second) and callbacks the simulator has seen since the server started.',
      tests: `${expectStatus(200)}
const stats = pm.response.json();
pm.test('the pushes of this run reached the simulator and were called back', () => {
  pm.expect(stats).to.include.all.keys('oauthCalls', 'stkPushes', 'stkQueries', 'stkQueryPeakPerSecond', 'callbacksSent', 'nonEatTimestamps');
  pm.expect(stats.oauthCalls).to.be.at.least(1);
  pm.expect(stats.stkPushes).to.be.at.least(2);
  pm.expect(stats.callbacksSent).to.be.at.least(2);
});`,
    }),
  ],
);

// SIGTERM on the real process (`npm start`'s entry point as a child process): an in-flight
// request finishes, then the process exits 0.
import { childEnv, startServiceProcess as startProcess } from '../helpers/child-service';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { startSlowDaraja } from '../helpers/fake-daraja';

describe('when the process receives SIGTERM during a request', () => {
  it('then the request completes and the process exits cleanly', async () => {
    const daraja = await startSlowDaraja(800);
    const env = childEnv({ MPESA_BASE_URL: daraja.url });
    const adminToken = env.ADMIN_TOKEN;
    const { child, url } = await startProcess(env);
    try {
      const merchant = merchantClient(url, await createProject(url, adminToken));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const inFlight = merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody(),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(daraja.pushes()).toBe(1);
      child.kill('SIGTERM');

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(response.data.transaction.checkoutRequestId).toBe('ws_CO_SLOW1');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await daraja.close();
    }
  });
});

// Paths match in the case they were declared: a callback path in another case is not routed
// (and its token stays out of the log), and metrics get one series for whatever matched no
// declared route, however many spellings a client tries.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { expectError } from '../helpers/http-edges';

const logLines: string[] = [];
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ METRICS_PORT: '0' }, { logLines });
});
afterAll(() => server.close());

const upperFirst = (segment: string) => segment.charAt(0).toUpperCase() + segment.slice(1);

describe('when a callback path comes in another letter case', () => {
  it('then it is not routed, the payment is untouched, and no log line carries its token', async () => {
    const merchant = await merchantFor(server);
    const { transaction } = (
      await merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ phone: '0700000005' }),
      })
    ).data;
    const path = server.callbackPath(transaction.id);
    const token = path.split('/').pop()!;
    const variants = [
      path.replace('/api/v1/callbacks/', '/API/v1/callbacks/'),
      path.replace('/callbacks/stk/', '/Callbacks/STK/'),
      path
        .split('/')
        .map((segment, i) => (i < 5 ? upperFirst(segment) : segment))
        .join('/'),
    ];
    for (const variant of variants) {
      const answer = await postCallback(
        server.url,
        variant,
        successCallback(transaction.checkoutRequestId, 10),
      );
      expect(answer.status).toBe(404);
    }
    const after = await merchant({ method: 'GET', path: `/api/v1/transactions/${transaction.id}` });
    expect(after.data.transaction.status).toBe('pending');
    const logged = logLines.filter((line) => line.includes('"request"'));
    expect(logged.length).toBeGreaterThanOrEqual(variants.length);
    expect(logLines.join('\n')).not.toContain(token);
  });
});

describe('when clients spell a route in many letter cases', () => {
  it('then each is a 404 counted under one "unmatched" series, never a series per spelling', async () => {
    const spellings = ['/API/v1/transactions', '/api/V1/transactions', '/api/v1/Transactions', '/Health'];
    for (const spelling of spellings)
      expectError(
        await axios.get(`${server.url}${spelling}`, { validateStatus: () => true }),
        404,
        'route_not_found',
      );
    const metrics = (await axios.get(server.service.metricsUrl!)).data as string;
    const routes = new Set(
      [...metrics.matchAll(/^mpesa_bridge_http_requests_total\{[^}]*route="([^"]*)"/gm)].map(
        (match) => match[1],
      ),
    );
    expect(routes.has('unmatched')).toBe(true);
    expect([...routes].filter((route) => spellings.some((spelling) => route!.includes(spelling)))).toEqual(
      [],
    );
    const unmatched404 = metrics.match(
      /^mpesa_bridge_http_requests_total\{method="GET",route="unmatched",status="404"\} (\d+)/m,
    );
    expect(Number(unmatched404?.[1])).toBe(spellings.length);
  });
});

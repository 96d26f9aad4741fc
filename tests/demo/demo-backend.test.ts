// The checkout demo's backend without a browser (the browser test is `npm run test:browser`):
// its API over real HTTP against the real service, and how `npm run demo` keeps its project keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';
import { startMerchantBackend, type RunningMerchantBackend } from '../../demo/start-demo';
import { demoProjectKeys } from '../../demo/demo-project';

let server: TestServer;
let backend: RunningMerchantBackend;
beforeAll(async () => {
  server = await startTestServer();
  const keys = await createProject(server.url, server.adminToken);
  backend = await startMerchantBackend({ serviceUrl: server.url, servicePort: server.service.port, publicKey: keys.publicKey, secretKey: keys.secretKey });
});
afterAll(async () => {
  await backend.close();
  await server.close();
});

const checkout = (body: unknown) =>
  fetch(`http://127.0.0.1:${backend.port}/api/checkout`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /api/checkout', () => {
  it('then a payment starts and the browser gets only the id and the client secret', async () => {
    const response = await checkout({ phone: '0712345678', amount: 10 });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['amount', 'clientSecret', 'phone', 'transactionId']);
    expect(body.transactionId).toMatch(/^txn_/);
    expect(body.clientSecret).toMatch(/^cs_/);
  });

  it('then a bad phone is a 400 with a message for the customer', async () => {
    const response = await checkout({ phone: '12', amount: 10 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed', message: 'Enter a Kenyan mobile number, e.g. 0712345678' } });
  });
});

describe('GET /api/config', () => {
  it('then the Socket.io address is the service port on the host the page was opened with', async () => {
    const response = await fetch(`http://127.0.0.1:${backend.port}/api/config`);
    const body = (await response.json()) as { serviceUrl: string; testPhones: Array<{ phone: string }> };
    expect(body.serviceUrl).toBe(`http://127.0.0.1:${server.service.port}`);
    expect(body.testPhones.map((entry) => entry.phone)).toContain('0700000001');
  });
});

describe("the demo project's keys", () => {
  it('then they are created once, kept 0600, reused, and replaced when they stop working', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-keys-'));
    const first = await demoProjectKeys(server.url, server.adminToken, dataDir);
    const file = path.join(dataDir, 'demo-project.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await demoProjectKeys(server.url, server.adminToken, dataDir)).toEqual(first);

    const rotated = await fetch(`${server.url}/api/v1/projects/${first.projectId}/keys/rotate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    expect(rotated.status).toBe(200);
    const replaced = await demoProjectKeys(server.url, server.adminToken, dataDir);
    expect(replaced.projectId).not.toBe(first.projectId);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(replaced);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

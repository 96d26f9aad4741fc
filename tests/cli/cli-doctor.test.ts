// `doctor` against a badly configured deployment, through the real binary: a callback base URL
// with a word Daraja refuses (and plain http, while a sandbox account means real Daraja calls
// back), an empty callback allowlist, a sandbox account whose credentials Daraja now refuses.
// Each is a finding with its fix, exit code 1. The service's half is GET /api/v1/diagnostics:
// documented, secret-free, and it reads TRUST_PROXY against the headers it sees.
import path from 'node:path';
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { accountBody, keysOf } from '../helpers/accounts';
import { startFakeDaraja } from '../helpers/fake-daraja';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { documentValidator, fetchDocument } from '../openapi/document';
import { deadUrl, freshHome, loggedInHome, parseJson, runCli, type CliHome } from './cli-runner';

let server: TestServer;
let daraja: Awaited<ReturnType<typeof startFakeDaraja>>;
let keys: ProjectKeys;
let merchant: MerchantRequest;
let home: CliHome;
const account = accountBody({ environment: 'sandbox', name: 'Sandbox PayBill' });

interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix: string | null;
}

beforeAll(async () => {
  // Daraja's sandbox accepts the account when it is added, and refuses its key and secret after
  // (a secret regenerated on the portal): HTTP 400 with an empty body, as observed (docs/daraja.md §1).
  daraja = await startFakeDaraja({
    oauth: (_req, res, n) =>
      n === 1
        ? res.json({ access_token: 'sandboxtoken000000000000000000', expires_in: '3599' })
        : res.status(400).end(),
  });
  server = await startTestServer({
    CALLBACK_BASE_URL: 'http://mpesa-pay.example.com',
    CALLBACK_ALLOWED_IPS: '',
    MPESA_SANDBOX_BASE_URL: daraja.url,
  });
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Doctor shop' },
    { headers: adminHeaders(server) },
  );
  keys = keysOf(created.data, 'test');
  merchant = merchantClient(server.url, keys);
  const added = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: { ...account, isDefault: false },
  });
  expect(added.status).toBe(201);
  home = await loggedInHome(server.url, keys);
});
afterAll(async () => {
  await server.close();
  await daraja.close();
});

const byCheck = (findings: Finding[], check: string) => findings.filter((finding) => finding.check === check);

describe('when doctor examines a badly configured deployment', () => {
  let findings: Finding[];
  let code: number | null;
  beforeAll(async () => {
    const result = await runCli(['doctor', '--json'], { env: home.env() });
    code = result.code;
    findings = parseJson<{ findings: Finding[] }>(result.stdout).findings;
  });

  it('then it exits 1, and the reachable service, the clock and the keys are fine', () => {
    expect(code).toBe(1);
    for (const check of ['service', 'clock', 'keys'])
      expect(byCheck(findings, check)).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('then the callback URL fails for its word Daraja refuses, citing the source, and warns for http', () => {
    const callbackUrl = byCheck(findings, 'callback_url');
    expect(callbackUrl).toContainEqual(
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(/contains "mpesa".*docs\/daraja\.md §2/),
        fix: expect.any(String),
      }),
    );
    expect(callbackUrl).toContainEqual(
      expect.objectContaining({ status: 'warn', message: expect.stringMatching(/not https/) }),
    );
  });

  it('then the empty allowlist fails, with its fix', () => {
    expect(byCheck(findings, 'callback_allowlist')).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(/CALLBACK_ALLOWED_IPS is empty/),
        fix: expect.stringMatching(/Unset CALLBACK_ALLOWED_IPS/),
      }),
    ]);
  });

  it('then the sandbox account Daraja now refuses fails, and the simulator account passes', () => {
    const credentials = byCheck(findings, 'daraja_credentials');
    expect(credentials).toContainEqual(
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(
          /sandbox refused the consumer key and secret of Sandbox PayBill \(acc_/,
        ),
        fix: expect.stringMatching(/PATCH \/api\/v1\/mpesa-accounts\/acc_/),
      }),
    );
    expect(credentials).toContainEqual(
      expect.objectContaining({
        status: 'ok',
        message: expect.stringMatching(/simulator accepts the deployment's own/),
      }),
    );
  });

  it('then, piped, a person reads FAIL lines each with its fix, without colours', async () => {
    const result = await runCli(['doctor'], { env: home.env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL callback_url\s+CALLBACK_BASE_URL http:\/\/mpesa-pay\.example\.com contains "mpesa"/m,
    );
    expect(result.stdout).toMatch(/^\s+fix: Use a host and path without those words/m);
    expect(result.stdout).toMatch(/\d+ failed, \d+ warnings?, \d+ ok/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('when the machine’s clock is off or the service is away', () => {
  it('then a clock ten minutes ahead fails the clock check (beyond the 300 s tolerance) and says the keys were refused as expired', async () => {
    const skewed = home.env({
      NODE_OPTIONS: `--require ${path.join(__dirname, 'fixtures', 'skewed-clock.cjs')}`,
      SKEWED_CLOCK_SECONDS: '600',
    });
    const result = await runCli(['doctor', '--json'], { env: skewed });
    expect(result.code).toBe(1);
    const { findings } = parseJson<{ findings: Finding[] }>(result.stdout);
    expect(byCheck(findings, 'clock')).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(/(599|600|601) s ahead of the service’s: beyond the 300 s/),
      }),
    ]);
    expect(byCheck(findings, 'keys')).toEqual([
      expect.objectContaining({ status: 'fail', message: expect.stringMatching(/expired.*request req_/) }),
    ]);
  });

  it('then an unreachable service is one failure with its fix', async () => {
    const env = freshHome().env({
      MPESA_BRIDGE_URL: await deadUrl(),
      MPESA_BRIDGE_PUBLIC_KEY: keys.publicKey,
      MPESA_BRIDGE_SECRET_KEY: keys.secretKey,
    });
    const result = await runCli(['doctor', '--json'], { env });
    expect(result.code).toBe(1);
    expect(parseJson<{ findings: Finding[] }>(result.stdout).findings).toEqual([
      expect.objectContaining({
        check: 'service',
        status: 'fail',
        message: expect.stringMatching(/cannot be reached: ECONNREFUSED/),
      }),
    ]);
  });
});

describe('when GET /api/v1/diagnostics is asked directly', () => {
  it('then its answer is the documented shape and holds no secret', async () => {
    const response = await merchant({ method: 'GET', path: '/api/v1/diagnostics' });
    expect(response.status).toBe(200);
    expect(
      documentValidator(await fetchDocument(server.url)).response('get', '/api/v1/diagnostics', response),
    ).toEqual([]);
    const text = JSON.stringify(response.data);
    for (const secret of [
      keys.secretKey,
      account.consumerKey,
      account.consumerSecret,
      account.passkey,
      server.adminToken,
    ])
      expect(text).not.toContain(secret);
  });

  it('then a request that came through a proxy while TRUST_PROXY is off fails the trust_proxy check', async () => {
    const response = await merchant({
      method: 'GET',
      path: '/api/v1/diagnostics',
      headers: { 'X-Forwarded-For': '198.51.100.20' },
    });
    expect(byCheck(response.data.findings, 'trust_proxy')).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(/through a proxy \(x-forwarded-for\) but TRUST_PROXY is off/),
        fix: expect.stringMatching(/Set TRUST_PROXY/),
      }),
    ]);
    const direct = await merchant({ method: 'GET', path: '/api/v1/diagnostics' });
    expect(byCheck(direct.data.findings, 'trust_proxy')).toEqual([expect.objectContaining({ status: 'ok' })]);
  });
});

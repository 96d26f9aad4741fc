// SecurityCredential (docs/daraja.md §7): the initiator password encrypted with the environment's
// certificate, RSA PKCS#1 v1.5, base64; a certificate that does not parse refused where it
// enters (the configuration, an account being saved), never at the first call.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import axios from 'axios';
import { ConfigError, loadConfig } from '../../src/config';
import { parseCertificate } from '../../src/core/certificate';
import { encryptSecurityCredential } from '../../src/mpesa/mpesa.security-credential';
import { createSimulatorCredentials } from '../../src/simulator/simulator.credentials';
import { accountBody, keysOf, startRecordingDaraja, type RecordingDaraja } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';

const simulator = createSimulatorCredentials();
const NOT_A_CERTIFICATE =
  '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ MPESA_ENVIRONMENT: 'simulator', ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('encryptSecurityCredential', () => {
  it("when a password is encrypted with the simulator's certificate, then only the simulator's key opens it, and each encryption differs (PKCS#1 v1.5 padding is random)", () => {
    const certificate = parseCertificate(simulator.certificatePem);
    const first = encryptSecurityCredential('Safaricom999!*!', certificate);
    const second = encryptSecurityCredential('Safaricom999!*!', certificate);
    expect(Buffer.from(first, 'base64')).toHaveLength(256);
    expect(first).not.toBe(second);
    expect(simulator.decrypt(first)).toBe('Safaricom999!*!');
    expect(simulator.decrypt(second)).toBe('Safaricom999!*!');
    expect(createSimulatorCredentials().decrypt(first)).toBeUndefined();
  });
});

describe('MPESA_SANDBOX_CERTIFICATE and MPESA_PRODUCTION_CERTIFICATE', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-cert-'));

  it('when one is a certificate file (PEM or DER) or PEM text, then the start takes it', () => {
    const pemFile = path.join(dir, 'SandboxCertificate.cer');
    fs.writeFileSync(pemFile, simulator.certificatePem);
    const derFile = path.join(dir, 'ProductionCertificate.cer');
    fs.writeFileSync(
      derFile,
      Buffer.from(simulator.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );
    const config = loadConfig({
      MPESA_ENVIRONMENT: 'simulator',
      MPESA_SANDBOX_CERTIFICATE: pemFile,
      MPESA_PRODUCTION_CERTIFICATE: derFile,
    });
    expect(parseCertificate(config.mpesa.certificates.sandbox!).fingerprint).toBe(
      parseCertificate(simulator.certificatePem).fingerprint,
    );
    expect(parseCertificate(config.mpesa.certificates.production!).fingerprint).toBe(
      parseCertificate(simulator.certificatePem).fingerprint,
    );
    expect(
      loadConfig({ MPESA_SANDBOX_CERTIFICATE: simulator.certificatePem }).mpesa.certificates.sandbox,
    ).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['PEM text that is not a certificate', NOT_A_CERTIFICATE, /does not parse as an X.509 certificate/],
    ['a file that does not exist', '/nowhere/SandboxCertificate.cer', /cannot read the file/],
  ])('when it is %s, then the start stops naming the variable', (_label, value, reason) => {
    const problems = problemsOf({ MPESA_SANDBOX_CERTIFICATE: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MPESA_SANDBOX_CERTIFICATE: /);
    expect(problems[0]).toMatch(reason);
  });

  it('when the file holds a key instead of a certificate, then it is refused', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = path.join(dir, 'ec.key');
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'der' }));
    expect(problemsOf({ MPESA_PRODUCTION_CERTIFICATE: file })[0]).toMatch(/^MPESA_PRODUCTION_CERTIFICATE: /);
  });
});

describe("an M-Pesa account's securityCertificate", () => {
  let server: TestServer;
  let shop: MerchantRequest;
  beforeAll(async () => {
    server = await startTestServer();
    const created = await axios.post(
      `${server.url}/api/v1/projects`,
      { name: 'Cert shop' },
      { headers: adminHeaders(server) },
    );
    shop = merchantClient(server.url, keysOf(created.data, 'test'));
  });
  afterAll(() => server.close());

  const create = (overrides: Record<string, unknown>) =>
    shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body: accountBody(overrides as never) });

  it('when it does not parse, then saving the account is refused with 422 mpesa_certificate_invalid and nothing is stored', async () => {
    const refused = await create({
      shortcode: '600950',
      initiatorName: 'op',
      securityCertificate: NOT_A_CERTIFICATE,
    });
    expect(refused.status).toBe(422);
    expect(refused.data.error).toMatchObject({
      code: 'mpesa_certificate_invalid',
      details: { field: 'securityCertificate', reason: 'does not parse as an X.509 certificate' },
    });
    const listed = await shop({ method: 'GET', path: '/api/v1/mpesa-accounts' });
    expect(listed.data.data.map((account: { shortcode: string }) => account.shortcode)).not.toContain(
      '600950',
    );
  });

  it('when it is changed to one that does not parse, then the change is refused and the account keeps what it had', async () => {
    const added = await create({ shortcode: '600951' });
    const changed = await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${added.data.account.id}`,
      body: { securityCertificate: 'hello' },
    });
    expect(changed.status).toBe(422);
    expect(changed.data.error.code).toBe('mpesa_certificate_invalid');
    const read = await shop({ method: 'GET', path: `/api/v1/mpesa-accounts/${added.data.account.id}` });
    expect(read.data.account.securityCertificate).toBeNull();
  });

  it("when it parses, then answers show its fingerprint (never the password), and status queries encrypt with it instead of the simulator's: the simulator cannot open it and answers 2001", async () => {
    const other = createSimulatorCredentials();
    const added = await create({
      shortcode: '600952',
      initiatorName: 'op',
      initiatorPassword: 'Op-Pass-2026!',
      securityCertificate: other.certificatePem,
    });
    expect(added.status).toBe(201);
    expect(added.data.account).toMatchObject({
      initiatorName: 'op',
      initiatorPassword: '••••026!',
      securityCertificate: { fingerprint: parseCertificate(other.certificatePem).fingerprint },
    });
    expect(JSON.stringify(added.data)).not.toContain('Op-Pass-2026!');
    const asked = await shop({
      method: 'POST',
      path: '/api/v1/transactions/status-queries',
      body: { receipt: 'UF66ZZZZZZ', account: added.data.account.id },
    });
    const query = await eventually(
      () => shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${asked.data.statusQuery.id}` }),
      (response) => response.data.statusQuery.status !== 'pending',
    );
    expect(query.data.statusQuery).toMatchObject({ status: 'failed', result: { code: '2001' } });

    // Back to the environment's (the simulator's own): the same password now opens.
    await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${added.data.account.id}`,
      body: { securityCertificate: null },
    });
    const again = await shop({
      method: 'POST',
      path: '/api/v1/transactions/status-queries',
      body: { receipt: 'UF66ZZZZZZ', account: added.data.account.id },
    });
    const answered = await eventually(
      () => shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${again.data.statusQuery.id}` }),
      (response) => response.data.statusQuery.status !== 'pending',
    );
    expect(answered.data.statusQuery).toMatchObject({ status: 'not_found', result: { code: '2032' } });
  });
});

describe('a sandbox account asking Transaction Status', () => {
  // A stand-in for Daraja's sandbox: the simulator's own answers, with its own key pair.
  const app = { consumerKey: 'ck_sandbox_status', consumerSecret: 'cs_sandbox_status' };
  let daraja: RecordingDaraja;
  let certificateFile: string;
  beforeAll(async () => {
    daraja = await startRecordingDaraja(
      [app],
      {
        '600960': {
          passkey: 'sandbox-passkey',
          tills: [],
          initiators: [{ name: 'op', password: 'Sandbox-Pass-1' }],
        },
      },
      { callbackDelayMs: 50 },
    );
    const published = await axios.get<string>(`${daraja.url}/__simulator/certificate`, {
      responseType: 'text',
    });
    certificateFile = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-cert-')),
      'SandboxCertificate.cer',
    );
    fs.writeFileSync(certificateFile, published.data);
  });
  afterAll(() => daraja.close());

  async function sandboxShop(server: TestServer) {
    const created = await axios.post(
      `${server.url}/api/v1/projects`,
      { name: 'Sandbox shop' },
      { headers: adminHeaders(server) },
    );
    const shop = merchantClient(server.url, keysOf(created.data, 'test'));
    const added = await shop({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({
        environment: 'sandbox',
        ...app,
        shortcode: '600960',
        passkey: 'sandbox-passkey',
        initiatorName: 'op',
        initiatorPassword: 'Sandbox-Pass-1',
      } as never),
    });
    expect(added.status).toBe(201);
    return shop;
  }

  it("when MPESA_SANDBOX_CERTIFICATE is Safaricom's (here the stand-in's), then the password is encrypted with it and Daraja accepts the initiator", async () => {
    const server = await startTestServer({
      MPESA_SANDBOX_BASE_URL: daraja.url,
      MPESA_SANDBOX_CERTIFICATE: certificateFile,
    });
    try {
      const shop = await sandboxShop(server);
      const asked = await shop({
        method: 'POST',
        path: '/api/v1/transactions/status-queries',
        body: { receipt: 'UG77ZZZZZZ' },
      });
      expect(asked.status).toBe(202);
      const answered = await eventually(
        () =>
          shop({ method: 'GET', path: `/api/v1/transactions/status-queries/${asked.data.statusQuery.id}` }),
        (response) => response.data.statusQuery.status !== 'pending',
      );
      // 2032, not 2001: the stand-in opened the credential with its key and found the password.
      expect(answered.data.statusQuery).toMatchObject({ status: 'not_found', found: false });
    } finally {
      await server.close();
    }
  });

  it('when no sandbox certificate is configured, then the query is refused with 409 mpesa_initiator_missing naming the certificate', async () => {
    const server = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url });
    try {
      const shop = await sandboxShop(server);
      const refused = await shop({
        method: 'POST',
        path: '/api/v1/transactions/status-queries',
        body: { receipt: 'UG77ZZZZZZ' },
      });
      expect(refused.status).toBe(409);
      expect(refused.data.error).toMatchObject({
        code: 'mpesa_initiator_missing',
        details: { missing: ['certificate'], environment: 'sandbox' },
      });
      expect(refused.data.error.message).toContain('MPESA_SANDBOX_CERTIFICATE');
    } finally {
      await server.close();
    }
  });
});

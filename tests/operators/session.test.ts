// Dashboard sign-in, sessions and CSRF, against the real service: the first operator made with
// the admin token, the cookie's attributes, what the database keeps, CSRF on every write made
// with the cookie, rate-limited failures, expiry and sign-out.
import axios from 'axios';
import { hashToken } from '../../src/operators/dashboard.service';
import { createProject } from '../helpers/merchant';
import { browserFor, createDashboardUser, PASSWORD, signIn } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: 'loopback',
    SIGN_IN_FAILURES_PER_EMAIL: '3',
    SIGN_IN_FAILURES_PER_SOURCE: '50',
  });
});
afterAll(() => server.close());

const errorCode = (response: { data: unknown }) =>
  (response.data as { error?: { code?: string } }).error?.code;

describe('when the first operator is created', () => {
  it('then only the admin token (or an operator session) may create users', async () => {
    const refused = await axios.post(
      `${server.url}/api/v1/dashboard/users`,
      { email: 'x@shop.example', name: 'X', role: 'operator', password: PASSWORD },
      { validateStatus: () => true },
    );
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe('admin_unauthorized');

    const created = await createDashboardUser(server, { email: 'Owner@Shop.example', password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.data.user).toMatchObject({
      email: 'owner@shop.example',
      role: 'operator',
      projectIds: [],
      disabledAt: null,
    });
    expect(JSON.stringify(created.data)).not.toContain(PASSWORD);

    const again = await createDashboardUser(server, { email: 'owner@shop.example', password: PASSWORD });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('dashboard_user_exists');
  });

  it('then the password is stored as a salted scrypt hash, never as given', async () => {
    const rows = await server
      .database()
      .all(server.database().qb.selectFrom('DashboardUser').select(['email', 'passwordHash']));
    const owner = rows.find((row) => row.email === 'owner@shop.example')!;
    expect(owner.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(owner.passwordHash).not.toContain(PASSWORD);
  });
});

describe('when an operator signs in', () => {
  it('then the cookie is HttpOnly and SameSite=Strict, Secure only over HTTPS, and only its hash is stored', async () => {
    const browser = await browserFor(server.url, 'OWNER@shop.example');
    const setCookie = String(browser.signIn.headers['set-cookie']?.[0]);
    expect(setCookie).toMatch(/^mb_session=dss_[\w-]+; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain('Secure');
    expect(browser.signIn.data).toMatchObject({
      user: { email: 'owner@shop.example', role: 'operator' },
      csrfToken: expect.any(String),
      projects: [],
    });

    const token = browser.cookie.slice('mb_session='.length);
    const sessions = await server
      .database()
      .all(server.database().qb.selectFrom('DashboardSession').selectAll());
    expect(sessions.some((row) => row.tokenHash === hashToken(token))).toBe(true);
    expect(JSON.stringify(sessions)).not.toContain(token);

    // Behind a TLS proxy (TRUST_PROXY), the browser reached us over HTTPS: the cookie says Secure.
    const overHttps = await signIn(server.url, 'owner@shop.example', PASSWORD, {
      'X-Forwarded-Proto': 'https',
      Origin: server.url.replace('http:', 'https:'),
    });
    expect(overHttps.status).toBe(201);
    expect(String(overHttps.headers['set-cookie']?.[0])).toMatch(/; Secure; SameSite=Strict$/);
  });

  it('then a sign-in posted from another site is refused', async () => {
    const response = await signIn(server.url, 'owner@shop.example', PASSWORD, {
      Origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('csrf_failed');
  });

  it('then the session reads the merchant API of any project, in the mode it names', async () => {
    const shop = await createProject(server.url, server.adminToken, 'Duka');
    const browser = await browserFor(server.url, 'owner@shop.example');
    const list = await browser.request({
      method: 'GET',
      path: '/api/v1/transactions',
      project: shop.projectId,
    });
    expect(list.status).toBe(200);
    expect(list.data).toEqual({ data: [], nextCursor: null });
    expect(
      (
        await browser.request({
          method: 'GET',
          path: '/api/v1/transactions',
          project: shop.projectId,
          mode: 'live',
        })
      ).status,
    ).toBe(200);

    const noProject = await browser.request({ method: 'GET', path: '/api/v1/transactions' });
    expect(noProject.status).toBe(400);
    expect(errorCode(noProject)).toBe('validation_failed');
    const unknown = await browser.request({
      method: 'GET',
      path: '/api/v1/transactions',
      project: 'prj_000000000nosuchproject',
    });
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('project_not_found');
    // And the operator API, in place of the admin token.
    const projects = await browser.request({ method: 'GET', path: '/api/v1/projects' });
    expect(projects.status).toBe(200);
    expect(projects.data.data.map((p: { id: string }) => p.id)).toContain(shop.projectId);
  });
});

describe('when a write is made with the session cookie', () => {
  it('then it needs the CSRF token and our own origin; with both it goes through', async () => {
    const shop = await createProject(server.url, server.adminToken, 'Csrf shop');
    const browser = await browserFor(server.url, 'owner@shop.example');
    const payment = {
      method: 'POST' as const,
      path: '/api/v1/test-payments',
      body: { outcome: 'paid' },
      project: shop.projectId,
    };

    const noToken = await browser.request({ ...payment, csrf: false });
    expect([noToken.status, errorCode(noToken)]).toEqual([403, 'csrf_failed']);
    const wrongToken = await browser.request({ ...payment, csrf: 'not-the-token' });
    expect([wrongToken.status, errorCode(wrongToken)]).toEqual([403, 'csrf_failed']);
    const otherSite = await browser.request({ ...payment, origin: 'https://evil.example' });
    expect([otherSite.status, errorCode(otherSite)]).toEqual([403, 'csrf_failed']);
    const noOrigin = await browser.request({ ...payment, origin: false });
    expect([noOrigin.status, errorCode(noOrigin)]).toEqual([403, 'csrf_failed']);
    const newProject = await browser.request({
      method: 'POST',
      path: '/api/v1/projects',
      body: { name: 'x' },
      csrf: false,
    });
    expect([newProject.status, errorCode(newProject)]).toEqual([403, 'csrf_failed']);

    const started = await browser.request(payment);
    expect(started.status).toBe(201);
    expect(started.data.transaction).toMatchObject({ status: 'pending', mode: 'test' });
  });
});

describe('when sign-ins fail', () => {
  it('then the answer does not tell a wrong email from a wrong password, and past the allowance the email is blocked', async () => {
    await createDashboardUser(server, {
      email: 'cashier@shop.example',
      password: PASSWORD,
      role: 'operator',
    });
    const unknown = await signIn(server.url, 'nobody@shop.example', PASSWORD);
    expect([unknown.status, errorCode(unknown)]).toEqual([401, 'sign_in_failed']);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i += 1)
      codes.push(errorCode(await signIn(server.url, 'cashier@shop.example', 'wrong password!!')));
    expect(codes).toEqual(['sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'rate_limited']);
    // Blocked now even with the right password: guessing stops for the window.
    const right = await signIn(server.url, 'cashier@shop.example', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('when a user signs out', () => {
  it('then the session is deleted and the cookie opens nothing, not even a copy of it', async () => {
    const browser = await browserFor(server.url, 'owner@shop.example');
    expect((await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' })).status).toBe(200);
    const noCsrf = await browser.request({
      method: 'DELETE',
      path: '/api/v1/dashboard/session',
      csrf: false,
    });
    expect(noCsrf.status).toBe(403);
    const out = await browser.request({ method: 'DELETE', path: '/api/v1/dashboard/session' });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie']?.[0])).toMatch(/^mb_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    const after = await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' });
    expect([after.status, errorCode(after)]).toEqual([401, 'session_invalid']);
    const token = browser.cookie.slice('mb_session='.length);
    const left = await server
      .database()
      .first(
        server
          .database()
          .qb.selectFrom('DashboardSession')
          .selectAll()
          .where('tokenHash', '=', hashToken(token)),
      );
    expect(left).toBeUndefined();
  });
});

describe('when a session is left unused past DASHBOARD_SESSION_IDLE', () => {
  it('then it has expired', async () => {
    const quick = await startTestServer({ DASHBOARD_SESSION_IDLE: '1s', DASHBOARD_SESSION_MAX: '1h' });
    try {
      await createDashboardUser(quick, { email: 'owner@shop.example', password: PASSWORD });
      const browser = await browserFor(quick.url, 'owner@shop.example');
      expect((await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' });
      expect([expired.status, errorCode(expired)]).toEqual([401, 'session_invalid']);
    } finally {
      await quick.close();
    }
  });
});

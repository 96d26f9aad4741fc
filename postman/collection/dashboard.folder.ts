// Dashboard users (admin): the first operator is made with the admin token, as the README's
// Dashboard section says; then sign in as it (the session cookie the dashboard's pages use).
import { expectError, expectStatus } from './checks';
import { bearer, folder, json, noAuth, request } from './postman-format';

export const dashboardFolder = folder(
  'Dashboard users (admin)',
  "Dashboard users are made with the admin token (the first operator) or an operator's session. Each run creates one operator with a fresh email.",
  [
    request({
      name: 'Create dashboard operator',
      method: 'POST',
      path: '/api/v1/dashboard/users',
      preRequest: "pm.collectionVariables.set('dashboardEmail', `postman-${Date.now()}@example.com`);",
      body: json({
        email: '{{dashboardEmail}}',
        name: 'Postman operator',
        role: 'operator',
        password: 'postman passphrase 1',
      }),
      description:
        'An operator sees every project, users and keys; a member only its `projectIds`. The password is never shown again (nor stored: a scrypt hash is).',
      tests: `${expectStatus(201)}
pm.test('the user, without its password', () => {
  const user = pm.response.json().user;
  pm.expect(user.role).to.equal('operator');
  pm.expect(user.email).to.equal(pm.collectionVariables.get('dashboardEmail'));
  pm.expect(JSON.stringify(user)).to.not.include('postman passphrase');
});`,
    }),
    request({
      name: 'List dashboard users',
      method: 'GET',
      path: '/api/v1/dashboard/users',
      tests: `${expectStatus(200)}
pm.test('the new operator is listed', () => {
  pm.expect(pm.response.json().data.map((u) => u.email)).to.include(pm.collectionVariables.get('dashboardEmail'));
});`,
    }),
    request({
      name: 'Sign in to the dashboard',
      method: 'POST',
      path: '/api/v1/dashboard/session',
      auth: noAuth,
      body: json({ email: '{{dashboardEmail}}', password: 'postman passphrase 1' }),
      description:
        'Sets the HttpOnly session cookie `mb_session` and answers the CSRF token its writes must send as `X-CSRF-Token`.',
      tests: `${expectStatus(201)}
pm.test('a session with its CSRF token', () => {
  pm.expect(pm.response.json().csrfToken).to.be.a('string');
  pm.expect(pm.response.headers.get('Set-Cookie')).to.include('HttpOnly');
});`,
    }),
    request({
      name: 'Sign in with a wrong password',
      method: 'POST',
      path: '/api/v1/dashboard/session',
      auth: noAuth,
      body: json({ email: '{{dashboardEmail}}', password: 'not the passphrase' }),
      tests: expectError(401, 'sign_in_failed'),
    }),
  ],
  { auth: bearer('{{adminToken}}') },
);

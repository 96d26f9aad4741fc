// Projects (admin): the operator's API, behind Authorization: Bearer {{adminToken}} (set on the
// folder, inherited by its requests). Creating a project saves its id and keys to the
// environment for the signed requests that follow.
import { expectError, expectStatus } from './checks';
import { bearer, folder, json, noAuth, request } from './postman-format';

const expectProjectView = `
pm.test('project has its public fields and no secret', () => {
  pm.expect(project).to.include.all.keys('id', 'name', 'publicKey', 'keys', 'accounts', 'disabledAt', 'createdAt');
  pm.expect(project.id).to.match(/^prj_/);
  // A simulator deployment's default mode is test; keys.live is the live pair's public key.
  pm.expect(project.publicKey).to.match(/^pk_test_/);
  pm.expect(project.keys.test.publicKey).to.equal(project.publicKey);
});
`;

/** Saves the key pair shown once (create, rotate) where the signing script reads it. */
const saveKeys = `
pm.test('secretKey is shown once, and saved with the public key to the environment', () => {
  pm.expect(body.secretKey).to.be.a('string').and.satisfy((key) => key.startsWith('sk_test_'));
  pm.environment.set('projectId', project.id);
  pm.environment.set('publicKey', project.publicKey);
  pm.environment.set('secretKey', body.secretKey);
  // Without a selected environment the values above go nowhere: say so here, not three requests later.
  pm.expect(pm.environment.get('publicKey'), 'select the "mpesa-bridge local" environment').to.equal(project.publicKey);
});
`;

const errors = folder('Errors (admin)', 'Refusals, each with its error code.', [
  request({
    name: 'List projects without the admin token',
    method: 'GET',
    path: '/api/v1/projects',
    auth: noAuth,
    description: 'No `Authorization` header: `401 admin_unauthorized`.',
    tests: expectError(401, 'admin_unauthorized'),
  }),
  request({
    name: 'Create project with an empty name',
    method: 'POST',
    path: '/api/v1/projects',
    body: json({ name: '' }),
    description:
      'The name is 1 to 100 characters: `400 validation_failed`, with the field in `details.fields`.',
    tests: `${expectError(400, 'validation_failed')}
pm.test('details.fields names the name', () => {
  pm.expect(pm.response.json().error.details.fields.map((f) => f.field)).to.include('name');
});`,
  }),
  request({
    name: 'Rotate keys of an unknown project',
    method: 'POST',
    path: '/api/v1/projects/:id/keys/rotate',
    pathVariables: { id: 'prj_doesnotexist' },
    tests: expectError(404, 'project_not_found'),
  }),
]);

export const projectsFolder = folder(
  'Projects (admin)',
  [
    'Operator API: `Authorization: Bearer {{adminToken}}` (the admin token: `data/admin-token` in simulator mode, or `ADMIN_TOKEN`).',
    'Creating a project is rate-limited per address (`PROJECT_CREATE_RATE_LIMIT_MAX`, 20 an hour by default); each run of this collection creates two (one refused).',
  ].join('\n\n'),
  [
    request({
      name: 'Create project',
      method: 'POST',
      path: '/api/v1/projects',
      body: json({ name: 'Postman demo shop' }),
      description:
        'Creates a project with a test and a live key pair. The secret keys are shown only in this answer (and on rotation); the test script saves `projectId` and the test pair (`publicKey`, `secretKey`) to the environment.',
      tests: `${expectStatus(201)}
const body = pm.response.json();
const project = body.project;
${expectProjectView}
pm.test('a live pair too, and no account yet', () => {
  pm.expect(project.keys.live.publicKey).to.match(/^pk_live_/);
  pm.expect(body.secretKeys.live).to.match(/^sk_live_/);
  pm.expect(project.accounts).to.eql([]);
});
${saveKeys}`,
    }),
    request({
      name: 'List projects',
      method: 'GET',
      path: '/api/v1/projects',
      description: 'Every project, newest first, never with a secret.',
      tests: `${expectStatus(200)}
const page = pm.response.json();
pm.test('the new project is listed', () => {
  pm.expect(page.data.map((p) => p.id)).to.include(pm.environment.get('projectId'));
});
pm.test('no project carries a secret', () => {
  for (const project of page.data) pm.expect(Object.keys(project).filter((key) => /secret/i.test(key))).to.eql([]);
});`,
    }),
    request({
      name: 'Rename project',
      method: 'PATCH',
      path: '/api/v1/projects/:id',
      pathVariables: { id: '{{projectId}}' },
      body: json({ name: 'Postman demo shop (renamed)' }),
      description:
        'Renames it. `{"disabled": true}` would refuse its keys (`403 project_disabled`) until `{"disabled": false}`.',
      tests: `${expectStatus(200)}
pm.test('renamed, still enabled', () => {
  const project = pm.response.json().project;
  pm.expect(project.name).to.equal('Postman demo shop (renamed)');
  pm.expect(project.disabledAt).to.equal(null);
});`,
    }),
    request({
      name: 'Rotate project keys',
      method: 'POST',
      path: '/api/v1/projects/:id/keys/rotate',
      pathVariables: { id: '{{projectId}}' },
      description:
        'A new key pair of one mode (`{"mode": "live"}`; the deployment\'s default mode, test here, without a body); the old pair of that mode stops working at once. The test script saves the new keys (the signed requests after it use them) and keeps the old public key as `previousPublicKey` for an error example.',
      tests: `${expectStatus(200)}
const body = pm.response.json();
const project = body.project;
${expectProjectView}
pm.test('the test pair changed', () => {
  pm.expect(body.mode).to.equal('test');
  pm.expect(project.id).to.equal(pm.environment.get('projectId'));
  pm.expect(body.publicKey).to.equal(project.publicKey);
  pm.expect(project.publicKey).to.not.equal(pm.environment.get('publicKey'));
});
pm.collectionVariables.set('previousPublicKey', pm.environment.get('publicKey'));
${saveKeys}`,
    }),
    request({
      name: 'Disable project',
      method: 'PATCH',
      path: '/api/v1/projects/:id',
      pathVariables: { id: '{{projectId}}' },
      body: json({ disabled: true }),
      description:
        'Its keys are refused with `403 project_disabled` until it is enabled again (next request).',
      tests: `${expectStatus(200)}
pm.test('disabled, with the time', () => {
  pm.expect(pm.response.json().project.disabledAt).to.be.a('string');
});`,
    }),
    request({
      name: 'Enable project',
      method: 'PATCH',
      path: '/api/v1/projects/:id',
      pathVariables: { id: '{{projectId}}' },
      body: json({ disabled: false }),
      tests: `${expectStatus(200)}
pm.test('enabled again', () => {
  pm.expect(pm.response.json().project.disabledAt).to.equal(null);
});`,
    }),
    request({
      name: 'Vault: master keys in use',
      method: 'GET',
      path: '/api/v1/vault',
      description:
        'How many stored secrets each master key seals (key ids, never keys). After a rotation (a new key first in `MASTER_KEYS`), re-seal with the next request, then drop the old key once it seals nothing.',
      tests: `${expectStatus(200)}
const report = pm.response.json();
pm.test('the newest key id, and counts per key id', () => {
  pm.expect(report.newestKeyId).to.be.a('string');
  pm.expect(report.keysInUse[report.newestKeyId]).to.be.above(0);
});`,
    }),
    request({
      name: 'Vault: re-seal with the newest master key',
      method: 'POST',
      path: '/api/v1/vault/reencrypt',
      description:
        'Re-encrypts every stored secret not sealed with the newest key (the same as `npm run vault:reencrypt`); answers how many per column and the counts after.',
      tests: `${expectStatus(200)}
const report = pm.response.json();
pm.test('everything is sealed with the newest key now', () => {
  pm.expect(report.resealed).to.be.an('object');
  pm.expect(Object.keys(report.keysInUse)).to.eql([report.newestKeyId]);
});`,
    }),
    errors,
  ],
  { auth: bearer('{{adminToken}}') },
);

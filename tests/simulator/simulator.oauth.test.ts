import {
  basicAuth,
  CONSUMER_KEY,
  CONSUMER_SECRET,
  HEX_GROUP_ID,
  startHarness,
  type Harness,
} from './simulator.harness';

const OAUTH = '/oauth/v1/generate';

describe('simulator OAuth (GET /oauth/v1/generate)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('when the consumer key and secret are right, then it issues a 28-character token with expires_in as the string "3599"', async () => {
    const answer = await harness.get(`${OAUTH}?grant_type=client_credentials`, {
      Authorization: basicAuth(CONSUMER_KEY, CONSUMER_SECRET),
    });

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['access_token', 'expires_in']);
    expect(answer.json.access_token).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(answer.json.expires_in).toBe('3599');
  });

  it('when two tokens are requested, then both are different and both stay usable', async () => {
    const first = await harness.fetchToken();
    const second = await harness.fetchToken();

    expect(first).not.toBe(second);
    const unknownId = 'ws_CO_01012026000000000700000000';
    // A valid token reaches the lookup (500 does not exist); an invalid one would be 404.
    expect((await harness.query(unknownId, first)).status).toBe(500);
    expect((await harness.query(unknownId, second)).status).toBe(500);
  });

  it.each([
    ['grant_type is missing', OAUTH],
    ['grant_type is not client_credentials', `${OAUTH}?grant_type=password`],
  ])('when %s, then it answers 400 400.008.02 "Invalid grant type passed"', async (_case, path) => {
    const answer = await harness.get(path, { Authorization: basicAuth(CONSUMER_KEY, CONSUMER_SECRET) });

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      requestId: expect.stringMatching(HEX_GROUP_ID),
      errorCode: '400.008.02',
      errorMessage: 'Invalid grant type passed',
    });
  });

  it.each([
    [
      'the scheme is misspelt',
      { Authorization: `Baerer ${Buffer.from(`${CONSUMER_KEY}:${CONSUMER_SECRET}`).toString('base64')}` },
    ],
    ['the Authorization header is missing', {} as Record<string, string>],
  ])('when %s, then it answers 400 400.008.01 "Invalid Authentication passed"', async (_case, headers) => {
    const answer = await harness.get(`${OAUTH}?grant_type=client_credentials`, headers);

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      requestId: expect.stringMatching(HEX_GROUP_ID),
      errorCode: '400.008.01',
      errorMessage: 'Invalid Authentication passed',
    });
  });

  it.each([
    ['the secret is wrong', basicAuth(CONSUMER_KEY, 'wrong-secret')],
    ['the key is unknown', basicAuth('someone-else', CONSUMER_SECRET)],
    ['the credentials have no colon', `Basic ${Buffer.from(CONSUMER_KEY).toString('base64')}`],
  ])('when %s, then it answers HTTP 400 with an empty body, as Daraja does', async (_case, authorization) => {
    const answer = await harness.get(`${OAUTH}?grant_type=client_credentials`, {
      Authorization: authorization,
    });

    expect(answer.status).toBe(400);
    expect(answer.text).toBe('');
  });
});

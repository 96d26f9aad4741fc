// GET / leads somewhere: the address the start banner prints opens the reference in a browser.
import axios from 'axios';
import { HOME_TARGET } from '../../src/openapi/system.openapi';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('when a browser opens the service root', () => {
  it('then it is redirected (302) to the reference, which answers', async () => {
    const home = await axios.get(`${server.url}/`, { maxRedirects: 0, validateStatus: () => true });
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/docs');
    expect(HOME_TARGET).toBe('/docs');

    const followed = await axios.get(`${server.url}/`, { responseType: 'text' });
    expect(followed.status).toBe(200);
    expect(followed.headers['content-type']).toMatch(/^text\/html/);
    expect(followed.data).toContain('mpesa-bridge API');
  });
});

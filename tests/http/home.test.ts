// GET / leads somewhere: the address the start banner prints opens the dashboard, which links
// the API reference. The dashboard's pages carry a strict Content-Security-Policy.
import axios from 'axios';
import { HOME_TARGET } from '../../src/http/system.routes';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('when a browser opens the service root', () => {
  it('then it is redirected (302) to the dashboard, which answers with its page', async () => {
    const home = await axios.get(`${server.url}/`, { maxRedirects: 0, validateStatus: () => true });
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/dashboard/');
    expect(HOME_TARGET).toBe('/dashboard/');

    const followed = await axios.get(`${server.url}/`, { responseType: 'text' });
    expect(followed.status).toBe(200);
    expect(followed.headers['content-type']).toMatch(/^text\/html/);
    expect(followed.data).toContain('<script src="app.js"></script>');
    expect(followed.data).toContain('/docs');
  });

  it('then /dashboard without its slash leads to /dashboard/, and the bundle is served from the service itself', async () => {
    const bare = await axios.get(`${server.url}/dashboard`, { maxRedirects: 0, validateStatus: () => true });
    expect([bare.status, bare.headers.location]).toEqual([301, '/dashboard/']);
    const script = await axios.get(`${server.url}/dashboard/app.js`, { responseType: 'text' });
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.data).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|fonts\.googleapis)/);
  });

  it('then the page allows nothing but its own origin: no inline script or style, no frames', async () => {
    const page = await axios.get(`${server.url}/dashboard/`, { responseType: 'text' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

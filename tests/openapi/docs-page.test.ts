// GET /docs: a readable reference rendered on the server from the same document, that works
// offline (nothing loaded from elsewhere) under helmet's Content-Security-Policy.
import axios from 'axios';
import { ERROR_STATUS } from '../../src/errors';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchDocument } from './document';

let server: TestServer;
let doc: OpenApiDocument;
let page: { status: number; headers: Record<string, unknown>; data: string };

beforeAll(async () => {
  server = await startTestServer();
  doc = await fetchDocument(server.url);
  page = await axios.get(`${server.url}/docs`, { responseType: 'text' });
});
afterAll(() => server.close());

describe('when a browser opens /docs', () => {
  it('then it gets an HTML page under the default Content-Security-Policy, needing nothing from elsewhere', () => {
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    // No scripts at all, and no resource (script, stylesheet, image, font) from another origin.
    expect(page.data).not.toMatch(/<script/i);
    expect(page.data).not.toMatch(/<(link|img|iframe)\b/i);
    expect(page.data).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(page.data).not.toMatch(/@import|url\(/i);
  });

  it('then every operation, Socket.io event, webhook, schema and error code of the document is on it', () => {
    const anchors = [
      ...Object.values(doc.paths).flatMap((item) =>
        Object.values(item).map((op) => `id="op-${op!.operationId}"`),
      ),
      ...doc['x-socket-io'].events.map(
        (event) => `id="event-${event.namespace === '/' ? '' : `${event.namespace.slice(1)}-`}${event.name}"`,
      ),
      ...Object.keys(doc.webhooks).map((type) => `id="webhook-${type}"`),
      ...Object.keys(doc.components.schemas).map((name) => `id="schema-${name}"`),
    ];
    expect(anchors.length).toBeGreaterThan(25);
    expect(anchors.filter((anchor) => !page.data.includes(anchor))).toEqual([]);
    const missingCodes = Object.keys(ERROR_STATUS).filter(
      (code) => !page.data.includes(`<code>${code}</code>`),
    );
    expect(missingCodes).toEqual([]);
  });

  it('then each webhook entry names the signature it carries, never "No authentication"', () => {
    const entries = Object.keys(doc.webhooks).map(
      (type) => page.data.slice(page.data.indexOf(`id="webhook-${type}"`)).split('</article>')[0]!,
    );
    expect(entries).toHaveLength(6);
    for (const entry of entries) {
      expect(entry).toContain('Signed by mpesa-bridge with the Standard Webhooks signature');
      expect(entry).toContain('href="#security-StandardWebhooksSignature"');
      expect(entry).not.toContain('No authentication');
    }
    expect(page.data).toContain('id="security-StandardWebhooksSignature"');
  });

  it('then it explains how to sign a request and links the machine-readable document', () => {
    expect(page.data).toContain(
      '&lt;X-Timestamp&gt;\\n&lt;METHOD&gt;\\n&lt;path with query&gt;\\n&lt;raw body&gt;',
    );
    expect(page.data).toContain('href="/openapi.json"');
    expect(page.data).toContain('webhook-signature');
  });
});

// GET /docs: a readable reference rendered on the server from the same document, that works
// offline (nothing loaded from elsewhere) under helmet's Content-Security-Policy, with samples
// in four languages for every operation and the data its script searches.
import axios from 'axios';
import { ERROR_STATUS } from '../../src/errors';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchDocument } from './document';
import { REFERENCE_SCRIPT } from '../../src/openapi/docs.page';
import { SAMPLE_LANGUAGES } from '../../src/openapi/samples/samples';

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
    // One script, of this origin, and one block of data it reads; no resource (script,
    // stylesheet, image, font) from another origin.
    expect(page.data.match(/<script\b[^>]*>/gi)).toEqual([
      `<script src="${REFERENCE_SCRIPT}" defer>`,
      '<script type="application/json" id="reference-data">',
    ]);
    expect(page.data).not.toMatch(/<(link|img|iframe)\b/i);
    expect(page.data).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(page.data).not.toMatch(/@import|url\(/i);
  });

  it('then its one script is served by the service itself (built with the dashboard)', async () => {
    const script = await axios.get(`${server.url}${REFERENCE_SCRIPT}`, { responseType: 'text' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.data).toContain('reference-data');
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
    expect(entries).toHaveLength(10);
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

describe('when a reader looks for samples, search and try-it on /docs', () => {
  const data = () =>
    JSON.parse(
      /<script type="application\/json" id="reference-data">(.*?)<\/script>/s.exec(page.data)![1]!,
    ) as {
      search: { kind: string; title: string; href: string }[];
      tryIt: Record<string, { method: string; path: string }>;
    };
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op: op! })),
    );

  it('then every operation has a sample in curl, Node, Python and PHP', () => {
    const missing = operations().flatMap(({ op }) =>
      SAMPLE_LANGUAGES.filter(
        ({ id }) => !page.data.includes(`id="sample-${op.operationId}-${id}" aria-labelledby=`),
      ).map(({ id }) => `${op.operationId} ${id}`),
    );
    expect(missing).toEqual([]);
    // The signing one-liner in the curl samples of signed operations.
    expect(page.data).toContain('openssl dgst -sha256 -hmac &quot;$SECRET_KEY&quot; -hex');
  });

  it('then the search data holds every operation and every error code, each linking to an anchor on the page', () => {
    const { search } = data();
    const titles = (kind: string) =>
      search.filter((entry) => entry.kind === kind).map((entry) => entry.title);
    expect(titles('operation')).toHaveLength(operations().length);
    expect(titles('error').sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(titles('field')).toEqual(expect.arrayContaining(['Transaction.mpesaReceiptNumber']));
    const broken = search.filter((entry) => !page.data.includes(`id="${entry.href.slice(1)}"`));
    expect(broken).toEqual([]);
  });

  it('then "Try it" is offered on signed operations only', () => {
    const signed = operations()
      .filter(({ op }) => op.security.some((requirement) => 'MerchantSignature' in requirement))
      .map(({ op }) => op.operationId);
    expect(Object.keys(data().tryIt).sort()).toEqual(signed.sort());
    expect(data().tryIt.getTransaction).toMatchObject({ method: 'GET', path: '/api/v1/transactions/{id}' });
  });
});

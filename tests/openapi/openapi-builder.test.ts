// The builder refuses descriptions that cannot be right, and the page's Markdown never lets
// a description inject markup.
import { z } from 'zod';
import { markdown } from '../../src/openapi/docs.markdown';
import { buildOpenApiDocument } from '../../src/openapi/openapi.document';
import type { ApiSection, OperationSpec } from '../../src/core/openapi.types';

const OPTIONS = { title: 't', version: '0', signatureToleranceSeconds: 300 };
const operation = (overrides: Partial<OperationSpec>): OperationSpec => ({
  method: 'get',
  path: '/things',
  operationId: 'listThings',
  tag: 'Things',
  summary: 'List things',
  auth: 'none',
  responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } },
  ...overrides,
});
const build =
  (...operations: OperationSpec[]) =>
  () =>
    buildOpenApiDocument([{ operations }], OPTIONS);

describe('when a section describes a route wrongly', () => {
  it('then a path parameter without its params schema is refused', () => {
    expect(build(operation({ path: '/things/:id' }))).toThrow(
      /path \/things\/:id has parameters \[id\] but params declares \[\]/,
    );
    expect(build(operation({ path: '/things/:id', params: z.object({ thingId: z.string() }) }))).toThrow(
      /\[id\] but params declares \[thingId\]/,
    );
  });

  it('then the same route or operationId twice is refused', () => {
    expect(build(operation({}), operation({ operationId: 'other' }))).toThrow(
      /GET \/things is described twice/,
    );
    expect(build(operation({}), operation({ path: '/others' }))).toThrow(
      /operationId listThings is used twice/,
    );
  });

  it('then one component id with two shapes is refused', () => {
    const a = z.object({ x: z.string() }).meta({ id: 'Clash' });
    const b = z.object({ y: z.number() }).meta({ id: 'Clash' });
    const sections: ApiSection[] = [
      {
        operations: [
          operation({ responses: { 200: { description: 'a', schema: a } } }),
          operation({ path: '/b', operationId: 'b', responses: { 200: { description: 'b', schema: b } } }),
        ],
      },
    ];
    expect(() => buildOpenApiDocument(sections, OPTIONS)).toThrow(/component Clash has two different shapes/);
  });
});

describe('when a route is described rightly', () => {
  it('then its error responses follow from its auth and inputs, grouped by status', () => {
    const doc = buildOpenApiDocument(
      [
        {
          operations: [
            operation({
              method: 'post',
              auth: 'signature',
              body: z.object({ n: z.number() }),
              errors: ['transaction_not_found'],
            }),
          ],
        },
      ],
      OPTIONS,
    );
    const responses = doc.paths['/things']!.post!.responses;
    // 403: csrf_failed, for the dashboard session that may stand in for the signature on a write.
    expect(Object.keys(responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(Object.keys(responses['400']!.content!['application/json']!.examples!)).toEqual([
      'validation_failed',
      'invalid_json',
      'body_unreadable',
    ]);
    expect(responses['503']!.headers).toHaveProperty('Retry-After');
    expect(responses['429']!.headers).toHaveProperty('RateLimit');
  });
});

describe('when a description holds markup', () => {
  it('then the page shows it as text', () => {
    const html = markdown('<script>alert(1)</script> **bold** `<b>` [x](javascript:alert(1))');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>&lt;b&gt;</code>');
    expect(html).not.toContain('href="javascript');
  });

  it('then tables, lists and fenced code render as such', () => {
    const html = markdown('| a | b |\n|---|---|\n| `1` | 2 |\n\n- one\n- two\n\n```\nx < y\n```');
    expect(html).toContain(
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td><code>1</code></td><td>2</td></tr></tbody></table>',
    );
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<pre><code>x &lt; y</code></pre>');
  });
});

// GET /docs: the API reference as one HTML page rendered from the OpenAPI document on the server,
// readable as it is. One script of this origin (the dashboard's build: dashboard/src/reference,
// allowed by helmet's default Content-Security-Policy) adds the search box, copy buttons,
// sample tabs, the reader's own keys and "Try it"; its data travels in the page as JSON. No
// fonts or CDN: it works offline.
import { escapeHtml, inline, markdown } from './docs.markdown';
import { samplesBlock, tryItOperation, type TryItOperation } from './docs.samples';
import { errorAnchor, searchIndex } from './docs.search';
import { sampleRequestOf } from './samples/sample.request';
import { SAMPLE_BASE_URL, SAMPLE_PUBLIC_KEY } from './samples/sample.placeholders';
import { exampleBlock, namedSchemaTable, schemaAnchor, schemaNotes, schemaTable } from './docs.schema';
import { DOCS_STYLE } from './docs.style';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SocketEventObject,
} from '../core/openapi.types';

type Components = OpenApiDocument['components']['schemas'];

const ERROR_REF = '#/components/schemas/Error';

/** The page's script, built with the dashboard (dashboard/build.ts) and served beside it. */
export const REFERENCE_SCRIPT = '/dashboard/reference.js';

export function renderReferencePage(doc: OpenApiDocument, documentUrl: string): string {
  const components = doc.components.schemas;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method as HttpMethod, op: op! })),
  );
  const byTag = (tag: string) => operations.filter(({ op }) => op.tags.includes(tag));
  const webhooks = Object.entries(doc.webhooks);
  const events = doc['x-socket-io'].events;

  const tryIt: Record<string, TryItOperation> = {};
  const samples = new Map(
    operations.map(({ path, method, op }) => {
      const request = sampleRequestOf(doc, path, method, op);
      if (request.auth === 'signature')
        tryIt[op.operationId] = tryItOperation(path, request, op.parameters ?? []);
      return [op.operationId, samplesBlock(request)];
    }),
  );
  const data = {
    placeholders: { baseUrl: SAMPLE_BASE_URL, publicKey: SAMPLE_PUBLIC_KEY },
    search: searchIndex(doc, (name, namespace) => eventAnchor({ name, namespace } as SocketEventObject)),
    tryIt,
  };

  const nav = [
    `<a class="brand" href="#top">${escapeHtml(doc.info.title)}</a>`,
    '<form class="search" role="search" hidden><label for="search">Search operations, fields, error codes</label>' +
      '<input id="search" type="search" autocomplete="off" placeholder="e.g. initiate, receipt, signature_expired">' +
      '<ul id="search-results" aria-live="polite"></ul></form>',
    navGroup('Overview', [link('#security', 'Authentication')]),
    ...doc.tags
      .filter((tag) => byTag(tag.name).length)
      .map((tag) =>
        navGroup(
          tag.name,
          byTag(tag.name).map(({ method, op }) => link(`#op-${op.operationId}`, op.summary, method)),
        ),
      ),
    navGroup(
      'Real-time (Socket.io)',
      events.map((event) =>
        link(
          `#${eventAnchor(event)}`,
          event.namespace === '/' ? event.name : `${event.namespace} ${event.name}`,
        ),
      ),
    ),
    navGroup(
      'Webhooks',
      webhooks.map(([type]) => link(`#webhook-${type}`, type)),
    ),
    navGroup(
      'Schemas',
      Object.keys(components).map((name) => link(`#${schemaAnchor(name)}`, name)),
    ),
  ].join('');

  const main = [
    `<header id="top"><h1>${escapeHtml(doc.info.title)} <span class="version">v${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)}</span></h1>`,
    `<p>Machine-readable: <a href="${escapeHtml(documentUrl)}">${escapeHtml(documentUrl)}</a> (import it into Postman, Insomnia or a client generator).</p></header>`,
    '<div id="reader" class="reader" hidden></div>',
    `<section>${withErrorAnchors(markdown(doc.info.description))}</section>`,
    securitySection(doc),
    ...doc.tags.map((tag) => {
      const ops = byTag(tag.name);
      if (!ops.length) return '';
      return `<section><h2>${escapeHtml(tag.name)}</h2>${markdown(tag.description)}${ops.map((o) => operationBlock(o.method, o.path, o.op, components, undefined, false, samples.get(o.op.operationId))).join('')}</section>`;
    }),
    socketSection(doc, components),
    `<section><h2>Webhooks</h2>${markdown(doc.tags.find((tag) => tag.name === 'Webhooks')?.description ?? '')}` +
      webhooks
        .map(([type, item]) => operationBlock('post', type, item.post, components, `webhook-${type}`, true))
        .join('') +
      '</section>',
    `<section><h2>Schemas</h2>${Object.entries(components)
      .map(
        ([name, schema]) =>
          `<article id="${schemaAnchor(name)}"><h3>${escapeHtml(name)}</h3>${schemaNotes(schema)}${schemaTable(schema)}</article>`,
      )
      .join('')}</section>`,
  ].join('\n');

  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(doc.info.title)} reference</title><style>${DOCS_STYLE}</style>` +
    `<script src="${REFERENCE_SCRIPT}" defer></script></head>` +
    `<body><nav>${nav}</nav><main>${main}</main>` +
    `<script type="application/json" id="reference-data">${scriptSafeJson(data)}</script></body></html>`
  );
}

function link(href: string, text: string, method?: string): string {
  const badge = method ? `<span class="method ${method}">${method.toUpperCase()}</span> ` : '';
  return `<li><a href="${escapeHtml(href)}">${badge}${escapeHtml(text)}</a></li>`;
}

function navGroup(title: string, items: string[]): string {
  return items.length ? `<h5>${escapeHtml(title)}</h5><ul>${items.join('')}</ul>` : '';
}

function securitySection(doc: OpenApiDocument): string {
  const schemes = Object.entries(doc.components.securitySchemes).map(([name, scheme]) => {
    const where =
      scheme.type === 'http'
        ? `HTTP ${String(scheme.scheme)} (Authorization header)`
        : `header <code>${escapeHtml(String(scheme.name))}</code>`;
    return `<article id="${securityAnchor(name)}"><h3>${escapeHtml(name)} <span class="where">${where}</span></h3>${markdown(String(scheme.description ?? ''))}</article>`;
  });
  return `<section id="security"><h2>Authentication</h2>${schemes.join('')}</section>`;
}

const securityAnchor = (scheme: string) => `security-${scheme}`;

/** What an operation asks of its caller; on a webhook, how the receiver checks that we sent it. */
function authNote(op: OperationObject, webhook: boolean): string {
  if (!op.security.length) return 'No authentication';
  const schemes = Object.keys(op.security[0]!).map(
    (scheme) => `<a href="#${securityAnchor(scheme)}"><code>${escapeHtml(scheme)}</code></a>`,
  );
  return webhook
    ? `Signed by mpesa-bridge with the Standard Webhooks signature (${schemes.join(' + ')}): verify it with your endpoint's secret`
    : `Requires ${schemes.join(' + ')}`;
}

function operationBlock(
  method: HttpMethod,
  path: string,
  op: OperationObject,
  components: Components,
  anchor = `op-${op.operationId}`,
  webhook = false,
  samples = '',
): string {
  const auth = authNote(op, webhook);
  const body = op.requestBody?.content['application/json']?.schema;
  // Error responses (the shared Error shape) fold away; an operation's own answers stay open.
  const isError = (response: ResponseObject) =>
    response.content?.['application/json']?.schema.$ref === ERROR_REF;
  const [failures, success] = partition(Object.entries(op.responses), ([, response]) => isError(response));
  return [
    `<article class="operation" id="${escapeHtml(anchor)}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(path)}</code></h3>`,
    `<p class="summary">${escapeHtml(op.summary)} <span class="auth">${auth}</span></p>`,
    op.description ? markdown(op.description) : '',
    op.parameters?.length ? `<h4>Parameters</h4>${parameterTable(op.parameters)}` : '',
    samples,
    body
      ? `<h4>Request body</h4><div class="two">${namedSchemaTable(body, components)}${exampleBlock(body, components)}</div>`
      : '',
    `<h4>Responses</h4>`,
    ...success.map(([status, response]) => {
      const media = response.content && Object.entries(response.content)[0];
      const schema = media?.[1].schema;
      const json = media?.[0] === 'application/json' && schema;
      return (
        `<div class="response"><p><span class="status ${/^[45]/.test(status) ? 'err' : 'ok'}">${escapeHtml(status)}</span> ${inline(response.description)}</p>` +
        (json
          ? `<div class="two">${namedSchemaTable(schema, components)}${exampleBlock(schema, components)}</div>`
          : '') +
        '</div>'
      );
    }),
    failures.length
      ? `<details><summary>Errors: ${failures.map(([status]) => escapeHtml(status)).join(', ')} (shape: <a href="#${schemaAnchor('Error')}">Error</a>)</summary>` +
        failures
          .map(
            ([status, response]) =>
              `<div class="response"><p><span class="status err">${escapeHtml(status)}</span></p>${markdown(response.description)}</div>`,
          )
          .join('') +
        '</details>'
      : '',
    '</article>',
  ].join('\n');
}

function parameterTable(parameters: ParameterObject[]): string {
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? '' : ' <span class="optional">optional</span>'}</td><td>${escapeHtml(p.in)}</td>` +
      `<td>${schemaTypeAndNotes(p.schema, p.description)}</td></tr>`,
  );
  return (
    '<table class="fields"><colgroup><col class="name"><col class="in"><col></colgroup>' +
    `<thead><tr><th>Name</th><th>In</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function schemaTypeAndNotes(schema: JsonSchema, description: string | undefined): string {
  const withDescription = description ? { ...schema, description } : schema;
  return `${escapeHtml(String(schema.type ?? 'any'))}<br>${schemaNotes(withDescription)}`;
}

function socketSection(doc: OpenApiDocument, components: Components): string {
  const socket = doc['x-socket-io'];
  const block = (event: SocketEventObject) =>
    `<article class="operation" id="${escapeHtml(eventAnchor(event))}">` +
    `<h3><span class="method ${event.direction === 'client-to-server' ? 'emit' : 'on'}">${event.direction === 'client-to-server' ? 'EMIT' : 'ON'}</span> <code class="path">${escapeHtml(event.name)}</code>` +
    `${event.namespace === '/' ? '' : ` <small>namespace <code>${escapeHtml(event.namespace)}</code></small>`}</h3>` +
    `<p class="summary">${escapeHtml(event.summary)}</p>${event.description ? markdown(event.description) : ''}` +
    `<h4>Payload</h4><div class="two">${namedSchemaTable(event.payload, components)}${exampleBlock(event.payload, components)}</div>` +
    (event.ack
      ? `<h4>Acknowledgement</h4><div class="two">${namedSchemaTable(event.ack, components)}${exampleBlock(event.ack, components)}</div>`
      : '') +
    '</article>';
  return `<section><h2>Real-time (Socket.io)</h2>${markdown(socket.description)}<p>Path <code>${escapeHtml(socket.path)}</code>.</p>${socket.events.map(block).join('')}</section>`;
}

/** Event names repeat across namespaces; anchors do not. */
function eventAnchor(event: SocketEventObject): string {
  return event.namespace === '/' ? `event-${event.name}` : `event-${event.namespace.slice(1)}-${event.name}`;
}

/** Each row of the overview's error table gets the anchor the search box links to. */
function withErrorAnchors(html: string): string {
  return html.replace(
    /<tr>(<td>\d{3}<\/td><td><code>([a-z0-9_]+)<\/code><\/td>)/g,
    (_row, cells: string, code: string) => `<tr id="${errorAnchor(code)}">${cells}`,
  );
}

/** JSON inside a <script> element: nothing in it can close the element or open a comment. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

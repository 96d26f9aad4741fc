// The Node sample (an ES module, Node 20+): the SDK's method for the operation, else its signed
// raw request; a CSV answer signed with the SDK's signRequest and fetched; operations without
// the project keys with fetch.
import { SAMPLE_BASE_URL, SAMPLE_ENV, SAMPLE_PUBLIC_KEY, SECRET_KEY_NOTE } from './sample.placeholders';
import { argumentList, jsLiteral, jsString } from './sample.literals';
import type { SampleRequest } from './sample.request';

const SECRET = `process.env.${SAMPLE_ENV.secretKey}`;

export function nodeSample(request: SampleRequest): string {
  if (request.auth !== 'signature') return fetchSample(request);
  if (request.answer === 'text') return signedFetchSample(request);
  const client = [
    `const mpesa = createClient({`,
    `  baseUrl: ${jsString(SAMPLE_BASE_URL)},`,
    `  publicKey: ${jsString(SAMPLE_PUBLIC_KEY)},`,
    `  secretKey: ${SECRET}, // ${SECRET_KEY_NOTE}`,
    `});`,
  ];
  return [
    "import { createClient } from '@mpesa-bridge/sdk';",
    '',
    ...client,
    '',
    ...(request.sdk ? sdkCall(request) : rawCall(request)),
  ].join('\n');
}

function sdkCall(request: SampleRequest): string[] {
  const sdk = request.sdk!;
  const inputs = request.body ?? (Object.keys(request.query).length ? request.query : undefined);
  const key = request.headers['Idempotency-Key'];
  const args = [
    ...request.pathValues.map(jsString),
    ...(inputs !== undefined && !isEmpty(inputs) ? [jsLiteral(inputs)] : []),
    ...(sdk.idempotencyKeyOption && key ? [jsLiteral({ idempotencyKey: key })] : []),
  ];
  const call = `mpesa.${sdk.node}(${argumentList(args, '  ')})`;
  if (request.answer === 'none') return [`await ${call};`];
  if (request.paged) return [`const page = await ${call};`, 'console.log(page.data, page.nextCursor);'];
  return [`const result = await ${call};`, 'console.log(result);'];
}

function rawCall(request: SampleRequest): string[] {
  const call = {
    method: request.method.toUpperCase(),
    path: request.path,
    ...(Object.keys(request.query).length
      ? { query: Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, String(v)])) }
      : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(Object.keys(request.headers).length ? { headers: request.headers } : {}),
  };
  return [
    '// No SDK method wraps this yet: its raw request signs and retries the same way.',
    `const { status, body } = await mpesa.request(${jsLiteral(call)});`,
    'console.log(status, body);',
  ];
}

function signedFetchSample(request: SampleRequest): string {
  const method = request.method.toUpperCase();
  return [
    "import { signRequest } from '@mpesa-bridge/sdk';",
    '',
    `const path = ${jsString(request.pathWithQuery)};`,
    'const headers = signRequest({',
    `  publicKey: ${jsString(SAMPLE_PUBLIC_KEY)},`,
    `  secretKey: ${SECRET}, // ${SECRET_KEY_NOTE}`,
    `  method: ${jsString(method)},`,
    '  pathWithQuery: path,',
    "  body: '',",
    '});',
    `const response = await fetch(${jsString(SAMPLE_BASE_URL)} + path, { headers });`,
    'if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);',
    'console.log(await response.text());',
  ].join('\n');
}

function fetchSample(request: SampleRequest): string {
  const method = request.method.toUpperCase();
  const headers = [
    ...(request.auth === 'admin'
      ? [`Authorization: \`Bearer \${process.env.${SAMPLE_ENV.adminToken}}\``]
      : []),
    ...(request.auth === 'session'
      ? [
          `Cookie: \`mb_session=\${process.env.${SAMPLE_ENV.session}}\``,
          ...(method === 'GET'
            ? []
            : [
                `'X-CSRF-Token': process.env.${SAMPLE_ENV.csrfToken}`,
                `Origin: ${jsString(SAMPLE_BASE_URL)}`,
              ]),
        ]
      : []),
    ...Object.entries(request.headers).map(([name, value]) => `${jsString(name)}: ${jsString(value)}`),
    ...(request.body === undefined ? [] : ["'Content-Type': 'application/json'"]),
  ];
  const options = [
    ...(method === 'GET' ? [] : [`  method: ${jsString(method)},`]),
    ...(headers.length ? ['  headers: {', ...headers.map((header) => `    ${header},`), '  },'] : []),
    ...(request.body === undefined ? [] : [`  body: JSON.stringify(${jsLiteral(request.body, 1)}),`]),
  ];
  const url = jsString(SAMPLE_BASE_URL + request.pathWithQuery);
  return [
    ...(request.auth === 'admin'
      ? [`// ${SAMPLE_ENV.adminToken}: the operator token (ADMIN_TOKEN, or data/admin-token)`]
      : []),
    ...(request.auth === 'session'
      ? [
          `// ${SAMPLE_ENV.session}: the dashboard's mb_session cookie; ${SAMPLE_ENV.csrfToken}: its csrfToken (GET /api/v1/dashboard/session)`,
        ]
      : []),
    options.length
      ? `const response = await fetch(${url}, {\n${options.join('\n')}\n});`
      : `const response = await fetch(${url});`,
    'if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);',
    request.answer === 'json'
      ? 'console.log(await response.json());'
      : request.answer === 'text'
        ? 'console.log(await response.text());'
        : 'console.log(response.status);',
  ].join('\n');
}

const isEmpty = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.keys(value).length;

// The Python sample (3.9+, the standard library and sdk-python): the SDK's method with keyword
// arguments in snake_case, else its signed raw request; a CSV answer signed with sign_request and
// fetched with urllib; operations without the project keys with urllib alone.
import { SAMPLE_BASE_URL, SAMPLE_ENV, SAMPLE_PUBLIC_KEY, SECRET_KEY_NOTE } from './sample.placeholders';
import { argumentList, pythonLiteral, pythonString, snakeCase } from './sample.literals';
import type { SampleRequest } from './sample.request';

const SECRET = `os.environ[${pythonString(SAMPLE_ENV.secretKey)}]`;

export function pythonSample(request: SampleRequest): string {
  if (request.auth !== 'signature') return urllibSample(request);
  if (request.answer === 'text') return signedUrllibSample(request);
  return [
    'import os',
    '',
    'from mpesa_bridge import MpesaBridge',
    '',
    'mpesa = MpesaBridge(',
    `    base_url=${pythonString(SAMPLE_BASE_URL)},`,
    `    public_key=${pythonString(SAMPLE_PUBLIC_KEY)},`,
    `    secret_key=${SECRET},  # ${SECRET_KEY_NOTE}`,
    ')',
    '',
    ...(request.sdk ? sdkCall(request) : rawCall(request)),
  ].join('\n');
}

function sdkCall(request: SampleRequest): string[] {
  const inputs = (request.body ?? request.query) as Record<string, unknown>;
  const key = request.headers['Idempotency-Key'];
  const args = [
    ...request.pathValues.map(pythonString),
    ...Object.entries(inputs).map(([name, value]) => `${snakeCase(name)}=${pythonLiteral(value)}`),
    ...(request.sdk!.idempotencyKeyOption && key ? [`idempotency_key=${pythonString(key)}`] : []),
  ];
  const call = `mpesa.${request.sdk!.python}(${argumentList(args, '    ')})`;
  if (request.answer === 'none') return [call];
  if (request.paged) return [`page = ${call}.first_page()`, 'print(page.data, page.next_cursor)'];
  return [`result = ${call}`, 'print(result)'];
}

function rawCall(request: SampleRequest): string[] {
  const args = [
    pythonString(request.method.toUpperCase()),
    pythonString(request.path),
    ...(Object.keys(request.query).length
      ? [
          `query=${pythonLiteral(
            Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, String(v)])),
          )}`,
        ]
      : []),
    ...(request.body === undefined ? [] : [`body=${pythonLiteral(request.body)}`]),
    ...(Object.keys(request.headers).length ? [`headers=${pythonLiteral(request.headers)}`] : []),
  ];
  return [
    '# No SDK method wraps this yet: its raw request signs and retries the same way.',
    `status, body = mpesa.request(${argumentList(args, '    ')})`,
    'print(status, body)',
  ];
}

function signedUrllibSample(request: SampleRequest): string {
  return [
    'import os',
    'import urllib.request',
    '',
    'from mpesa_bridge import sign_request',
    '',
    `path = ${pythonString(request.pathWithQuery)}`,
    'headers = sign_request(',
    `    public_key=${pythonString(SAMPLE_PUBLIC_KEY)},`,
    `    secret_key=${SECRET},  # ${SECRET_KEY_NOTE}`,
    `    method=${pythonString(request.method.toUpperCase())},`,
    '    path_with_query=path,',
    '    body="",',
    ')',
    `with urllib.request.urlopen(urllib.request.Request(${pythonString(SAMPLE_BASE_URL)} + path, headers=headers)) as response:`,
    '    print(response.read().decode())',
  ].join('\n');
}

function urllibSample(request: SampleRequest): string {
  const method = request.method.toUpperCase();
  const headers = [
    ...(request.auth === 'admin'
      ? [`"Authorization": "Bearer " + os.environ[${pythonString(SAMPLE_ENV.adminToken)}]`]
      : []),
    ...(request.auth === 'session'
      ? [
          `"Cookie": "mb_session=" + os.environ[${pythonString(SAMPLE_ENV.session)}]`,
          ...(method === 'GET'
            ? []
            : [
                `"X-CSRF-Token": os.environ[${pythonString(SAMPLE_ENV.csrfToken)}]`,
                `"Origin": ${pythonString(SAMPLE_BASE_URL)}`,
              ]),
        ]
      : []),
    ...Object.entries(request.headers).map(
      ([name, value]) => `${pythonString(name)}: ${pythonString(value)}`,
    ),
    ...(request.body === undefined ? [] : ['"Content-Type": "application/json"']),
  ];
  const usesEnv = request.auth === 'admin' || request.auth === 'session';
  const args = [
    pythonString(SAMPLE_BASE_URL + request.pathWithQuery),
    ...(method === 'GET' ? [] : [`method=${pythonString(method)}`]),
    ...(headers.length ? [`headers={${argumentList(headers, '    ', 60)}}`] : []),
    ...(request.body === undefined ? [] : [`data=json.dumps(${pythonLiteral(request.body)}).encode()`]),
  ];
  const imports = [
    ...(request.body !== undefined || request.answer === 'json' ? ['import json'] : []),
    ...(usesEnv ? ['import os'] : []),
    'import urllib.request',
  ];
  return [
    ...imports,
    '',
    ...(request.auth === 'admin'
      ? [`# ${SAMPLE_ENV.adminToken}: the operator token (ADMIN_TOKEN, or data/admin-token)`]
      : []),
    ...(request.auth === 'session'
      ? [
          `# ${SAMPLE_ENV.session}: the dashboard's mb_session cookie; ${SAMPLE_ENV.csrfToken}: its csrfToken (GET /api/v1/dashboard/session)`,
        ]
      : []),
    `request = urllib.request.Request(${argumentList(args, '    ')})`,
    'with urllib.request.urlopen(request) as response:',
    request.answer === 'json'
      ? '    print(json.load(response))'
      : request.answer === 'text'
        ? '    print(response.read().decode())'
        : '    print(response.status)',
  ].join('\n');
}

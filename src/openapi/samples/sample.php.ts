// The PHP sample (8.1+, sdk-php installed with Composer): the SDK's method with named arguments
// (or one array of changes where the method takes that), else its signed raw request; a CSV
// answer signed with Signature::sign and fetched; operations without the project keys with
// file_get_contents alone.
import { SAMPLE_BASE_URL, SAMPLE_ENV, SAMPLE_PUBLIC_KEY, SECRET_KEY_NOTE } from './sample.placeholders';
import { argumentList, phpLiteral, phpString } from './sample.literals';
import type { SampleRequest } from './sample.request';

const SECRET = `getenv(${phpString(SAMPLE_ENV.secretKey)})`;
const AUTOLOAD = "require __DIR__ . '/vendor/autoload.php';";

export function phpSample(request: SampleRequest): string {
  if (request.auth !== 'signature') return streamSample(request);
  if (request.answer === 'text') return signedStreamSample(request);
  return [
    '<?php',
    AUTOLOAD,
    '',
    'use MpesaBridge\\MpesaBridge;',
    '',
    '$mpesa = new MpesaBridge(',
    `    baseUrl: ${phpString(SAMPLE_BASE_URL)},`,
    `    publicKey: ${phpString(SAMPLE_PUBLIC_KEY)},`,
    `    secretKey: ${SECRET}, // ${SECRET_KEY_NOTE}`,
    ');',
    '',
    ...(request.sdk ? sdkCall(request) : rawCall(request)),
  ].join('\n');
}

function sdkCall(request: SampleRequest): string[] {
  const sdk = request.sdk!;
  const inputs = (request.body ?? request.query) as Record<string, unknown>;
  const key = request.headers['Idempotency-Key'];
  const args = [
    ...request.pathValues.map(phpString),
    ...(sdk.phpArray
      ? [phpLiteral(inputs)]
      : Object.entries(inputs).map(([name, value]) => `${name}: ${phpLiteral(value)}`)),
    ...(sdk.idempotencyKeyOption && key ? [`idempotencyKey: ${phpString(key)}`] : []),
  ];
  const call = `$mpesa->${sdk.php.replaceAll('.', '->')}(${argumentList(args, '    ')})`;
  if (request.answer === 'none') return [`${call};`];
  if (request.paged) return [`$page = ${call}->firstPage();`, 'print_r($page);'];
  return [`$result = ${call};`, 'print_r($result);'];
}

function rawCall(request: SampleRequest): string[] {
  const args = [
    phpString(request.method.toUpperCase()),
    phpString(request.path),
    ...(Object.keys(request.query).length
      ? [
          `query: ${phpLiteral(
            Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, String(v)])),
          )}`,
        ]
      : []),
    ...(request.body === undefined ? [] : [`body: ${phpLiteral(request.body)}`]),
    ...(Object.keys(request.headers).length ? [`headers: ${phpLiteral(request.headers)}`] : []),
  ];
  return [
    '// No SDK method wraps this yet: its raw request signs and retries the same way.',
    `[$status, $body] = $mpesa->request(${argumentList(args, '    ')});`,
    'print_r($body);',
  ];
}

function signedStreamSample(request: SampleRequest): string {
  return [
    '<?php',
    AUTOLOAD,
    '',
    'use MpesaBridge\\Signature;',
    '',
    `$path = ${phpString(request.pathWithQuery)};`,
    '$headers = Signature::sign(',
    `    publicKey: ${phpString(SAMPLE_PUBLIC_KEY)},`,
    `    secretKey: ${SECRET}, // ${SECRET_KEY_NOTE}`,
    `    method: ${phpString(request.method.toUpperCase())},`,
    '    pathWithQuery: $path,',
    "    body: '',",
    ');',
    "$context = stream_context_create(['http' => [",
    `    'header' => array_map(fn ($name, $value) => "$name: $value", array_keys($headers), $headers),`,
    ']]);',
    ...fetchAndPrint(`${phpString(SAMPLE_BASE_URL)} . $path`, request.answer),
  ].join('\n');
}

function streamSample(request: SampleRequest): string {
  const method = request.method.toUpperCase();
  const headers = [
    ...(request.auth === 'admin'
      ? [`'Authorization: Bearer ' . getenv(${phpString(SAMPLE_ENV.adminToken)})`]
      : []),
    ...(request.auth === 'session'
      ? [
          `'Cookie: mb_session=' . getenv(${phpString(SAMPLE_ENV.session)})`,
          ...(method === 'GET'
            ? []
            : [
                `'X-CSRF-Token: ' . getenv(${phpString(SAMPLE_ENV.csrfToken)})`,
                phpString(`Origin: ${SAMPLE_BASE_URL}`),
              ]),
        ]
      : []),
    ...Object.entries(request.headers).map(([name, value]) => phpString(`${name}: ${value}`)),
    ...(request.body === undefined ? [] : [phpString('Content-Type: application/json')]),
  ];
  const options = [
    `    'method' => ${phpString(method)},`,
    ...(headers.length
      ? [`    'header' => [${argumentList(headers, '        ', 60).replace(/\n$/, '\n    ')}],`]
      : []),
    ...(request.body === undefined ? [] : [`    'content' => json_encode(${phpLiteral(request.body, 1)}),`]),
  ];
  return [
    '<?php',
    ...(request.auth === 'admin'
      ? [`// ${SAMPLE_ENV.adminToken}: the operator token (ADMIN_TOKEN, or data/admin-token)`]
      : []),
    ...(request.auth === 'session'
      ? [
          `// ${SAMPLE_ENV.session}: the dashboard's mb_session cookie; ${SAMPLE_ENV.csrfToken}: its csrfToken (GET /api/v1/dashboard/session)`,
        ]
      : []),
    "$context = stream_context_create(['http' => [",
    ...options,
    ']]);',
    ...fetchAndPrint(phpString(SAMPLE_BASE_URL + request.pathWithQuery), request.answer),
  ].join('\n');
}

/** file_get_contents answers false on an error status (and warns with the status line). */
function fetchAndPrint(url: string, answer: SampleRequest['answer']): string[] {
  return [
    `$answer = file_get_contents(${url}, false, $context);`,
    'if ($answer === false) {',
    "    throw new RuntimeException('The request failed: ' . ($http_response_header[0] ?? 'no answer'));",
    '}',
    answer === 'json'
      ? 'print_r(json_decode($answer, true));'
      : answer === 'text'
        ? 'echo $answer;'
        : 'echo $http_response_header[0], PHP_EOL;',
  ];
}

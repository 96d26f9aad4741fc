// The SDK methods the operations declare (`sample.sdk`, OpenAPI `x-sdk`) exist in each SDK and
// take the arguments the reference's samples pass: looked up on a real client of the TypeScript
// SDK, and through Python's inspect and PHP's reflection on theirs. (tests/reference runs the
// samples themselves; this names a missing method in a second, without a server.)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createClient } from '@mpesa-bridge/sdk';
import { apiDocument } from '../../src/app';
import { sampleRequestsOf, type SampleRequest } from '../../src/openapi/samples/sample.request';
import { snakeCase } from '../../src/openapi/samples/sample.literals';

const ROOT = path.join(__dirname, '..', '..');
const requests = sampleRequestsOf(
  apiDocument({ amount: { min: 1, max: 150_000 }, signatureToleranceSeconds: 300 }),
);
const withSdk = requests.filter((request) => request.sdk);

/** The named arguments a sample passes after the path parameters. */
function inputNames(request: SampleRequest): string[] {
  return Object.keys((request.body ?? request.query) as Record<string, unknown>);
}

describe('when an operation names the SDK method that makes its call', () => {
  it('then every signed operation names one, except those the SDKs reach only by their raw signed request', () => {
    const signed = requests.filter((request) => request.auth === 'signature');
    expect(signed.filter((request) => !request.sdk).map((request) => request.operationId)).toEqual([
      'searchTransactions',
      'exportTransactions',
      'getTransactionHistory',
      'createStatusQuery',
      'getStatusQuery',
      'createQrCode',
      'getQrCode',
      // Payouts: the TypeScript SDK's `payouts` resource; Python and PHP reach them by their raw
      // signed request (their batch methods are declared: createPayoutBatch, listPayoutBatches,
      // getPayoutBatch). No SDK wraps the preview.
      'createPayout',
      'listPayouts',
      'getPayoutSettings',
      'listPayoutAudit',
      'getPayout',
      'getPayoutHistory',
      'previewPayoutBatch',
      'refundTransaction',
      'listRefunds',
      'getRefund',
      'checkBalance',
      'listBalances',
      'getBalanceCheck',
      // Checkout: the TypeScript SDK wraps them (client.paymentLinks, client.checkoutSessions);
      // the Python and PHP SDKs reach them by their raw signed request.
      'createPaymentLink',
      'listPaymentLinks',
      'getPaymentLink',
      'updatePaymentLink',
      'listPaymentLinkPayments',
      'createCheckoutSession',
      'getCheckoutSession',
      'checkMpesaAccount',
      // C2B: the TypeScript SDK wraps them (client.mpesaAccounts.enableC2b … runC2bPull); the
      // Python and PHP SDKs reach them by their raw signed request.
      'enableC2b',
      'getC2b',
      'disableC2b',
      'setC2bPull',
      'runC2bPull',
      'listRequestLog',
      'getStats',
      'getStatsSeries',
      'getDiagnostics',
    ]);
    expect(requests.filter((request) => request.sdk && request.auth !== 'signature')).toEqual([]);
  });

  it('then the TypeScript SDK has it', () => {
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      publicKey: 'pk_test_x',
      secretKey: 'sk_test_x',
      fetch: () => Promise.reject(new Error('not called')),
    }) as unknown as Record<string, Record<string, unknown>>;
    const missing = withSdk
      .map((request) => request.sdk!.node)
      .filter((name) => {
        const [resource, method] = name.split('.');
        return typeof client[resource!]?.[method!] !== 'function';
      });
    expect(withSdk.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('then the Python SDK has it, taking every keyword argument the sample passes', () => {
    const calls = withSdk.map((request) => ({
      name: request.sdk!.python,
      keywords: [
        ...inputNames(request).map(snakeCase),
        ...(request.sdk!.idempotencyKeyOption ? ['idempotency_key'] : []),
      ],
    }));
    const script = [
      'import inspect, json, sys',
      'from mpesa_bridge import MpesaBridge',
      'client = MpesaBridge(base_url="http://127.0.0.1:9", public_key="pk_test_x", secret_key="sk_test_x")',
      'problems = []',
      'for call in json.load(sys.stdin):',
      '    resource, method = call["name"].split(".")',
      '    target = getattr(getattr(client, resource, None), method, None)',
      '    if not callable(target):',
      '        problems.append(call["name"] + ": no such method")',
      '        continue',
      '    parameters = inspect.signature(target).parameters',
      '    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):',
      '        continue',
      '    problems += [call["name"] + ": no keyword " + k for k in call["keywords"] if k not in parameters]',
      'print(json.dumps(problems))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script], {
      input: JSON.stringify(calls),
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'sdk-python', 'src') },
    });
    expect(JSON.parse(out.toString())).toEqual([]);
  });

  it('then the PHP SDK has it, taking every named argument the sample passes (or one array of changes)', () => {
    const calls = withSdk.map((request) => ({
      name: request.sdk!.php,
      named: request.sdk!.phpArray
        ? []
        : [...inputNames(request), ...(request.sdk!.idempotencyKeyOption ? ['idempotencyKey'] : [])],
      // The path parameters, then the array of changes.
      positional: request.pathValues.length + (request.sdk!.phpArray ? 1 : 0),
    }));
    const script = [
      'spl_autoload_register(function ($class) {',
      "    $file = getenv('SDK_SRC') . '/' . str_replace('\\\\', '/', substr($class, 12)) . '.php';",
      '    if (is_file($file)) require $file;',
      '});',
      "$client = new MpesaBridge\\MpesaBridge('http://127.0.0.1:9', 'pk_test_x', 'sk_test_x');",
      '$problems = [];',
      'foreach (json_decode(stream_get_contents(STDIN), true) as $call) {',
      "    [$resource, $method] = explode('.', $call['name']);",
      '    $target = $client->{$resource} ?? null;',
      '    if (!is_object($target) || !method_exists($target, $method)) {',
      "        $problems[] = $call['name'] . ': no such method';",
      '        continue;',
      '    }',
      '    $parameters = (new ReflectionMethod($target, $method))->getParameters();',
      '    $names = array_map(fn ($p) => $p->getName(), $parameters);',
      "    foreach ($call['named'] as $name) {",
      '        if (!in_array($name, $names, true)) {',
      "            $problems[] = $call['name'] . ': no parameter ' . $name;",
      '        }',
      '    }',
      "    if (count($parameters) < $call['positional']) {",
      "        $problems[] = $call['name'] . ': takes fewer than ' . $call['positional'] . ' arguments';",
      '    }',
      '}',
      'echo json_encode($problems);',
    ].join('\n');
    const out = execFileSync('php', ['-r', script], {
      input: JSON.stringify(calls),
      env: { ...process.env, SDK_SRC: path.join(ROOT, 'sdk-php', 'src') },
    });
    expect(JSON.parse(out.toString())).toEqual([]);
  });
});

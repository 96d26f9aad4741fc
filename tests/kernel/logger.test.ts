import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, maskPhone, redactText } from '../../src/logger';
import { withRequestId } from '../../src/request-context';

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ log: { level: 'debug', format: 'json' } });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write: (chunk, _enc, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    }),
  );
  return { logger, lines };
}

describe('maskPhone', () => {
  it.each([
    ['254712345678', '254712***678'],
    ['+254712345678', '+254712***678'],
    ['0712345678', '0712***678'],
    ['payment from 254112345678 ok', 'payment from 254112***678 ok'],
  ])('when a line holds %s, then it becomes %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('when a number is not a Kenyan mobile (an amount, an id), then it is left alone', () => {
    expect(maskPhone('amount 250000, ref 20191219102115')).toBe('amount 250000, ref 20191219102115');
  });
});

describe('logger', () => {
  it('when fields hold phones and secrets, then phones are masked and secrets redacted', () => {
    const { logger, lines } = capturingLogger();
    logger.info('initiate', {
      phone: '254712345678',
      PhoneNumber: 254712345678,
      secretKey: 'sk_live_abc',
      nested: { passkey: 'bfb279', Authorization: 'Bearer x', note: 'call 0712345678' },
    });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      phone: '254712***678',
      PhoneNumber: '254712***678',
      secretKey: '[redacted]',
      nested: { passkey: '[redacted]', Authorization: '[redacted]', note: 'call 0712***678' },
    });
    expect(lines[0]).not.toContain('sk_live_abc');
    expect(lines[0]).not.toContain('345678');
  });

  it('when logging inside a request context, then the line carries the request id', () => {
    const { logger, lines } = capturingLogger();
    withRequestId('req_test_123', () => logger.info('inside'));
    logger.info('outside');
    expect(JSON.parse(lines[0]!).requestId).toBe('req_test_123');
    expect(JSON.parse(lines[1]!).requestId).toBeUndefined();
  });
});

describe('redaction of secrets inside text', () => {
  const TOKEN = 'VrlDXpZLF7V-C8UHuIf57k6Fz9eJBw1-Lne3HgDdXro';

  it.each([
    [`POST /api/v1/callbacks/stk/txn_0abc/${TOKEN}`, 'POST /api/v1/callbacks/stk/txn_0abc/[redacted]'],
    [
      `https://pay.example.co.ke/api/v1/callbacks/stk/txn_0abc/${TOKEN}?x=1`,
      'https://pay.example.co.ke/api/v1/callbacks/stk/txn_0abc/[redacted]?x=1',
    ],
    [`POST /api/v1/callbacks/mpesa/txn_0abc/${TOKEN}`, 'POST /api/v1/callbacks/mpesa/txn_0abc/[redacted]'],
    ['redis://default:hunter2@cache.internal:6379/0', 'redis://[redacted]@cache.internal:6379/0'],
    [
      'GET https://api.example.com/x?access_token=abc123&page=2&client_secret=s3',
      'GET https://api.example.com/x?access_token=[redacted]&page=2&client_secret=[redacted]',
    ],
    ['call 254712345678 now', 'call 254712***678 now'],
    // Daraja's CheckoutRequestID ends with the phone's last 9 digits (docs/daraja.md §2).
    ['checkout ws_CO_170820261404032708374149 sent', 'checkout ws_CO_170820261404032708***149 sent'],
    [
      '{"CheckoutRequestID":"ws_CO_02122026020316717712345678"}',
      '{"CheckoutRequestID":"ws_CO_02122026020316717712***678"}',
    ],
    ['old ws_CO_DMZ_123_456 stays', 'old ws_CO_DMZ_123_456 stays'],
  ])('when a string holds %s, then the log has %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('when the message, a nested field and an error all carry a callback URL, then no line has the token', () => {
    const { logger, lines } = capturingLogger();
    const url = `https://pay.example.co.ke/api/v1/callbacks/stk/txn_0abc/${TOKEN}`;
    logger.error(`push to ${url} failed`, {
      request: { callbackUrl: url, note: `see ${url}` },
      error: new Error(`insert failed for ${url}`),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).toContain('/api/v1/callbacks/stk/txn_0abc/[redacted]');
  });
});

describe('redaction of text a client chose', () => {
  // The work must grow with the input, not with its square: a quadratic pattern made a 16 KB
  // `/&keykey…` path cost about 75 ms of the event loop per request. Compared as a ratio of the
  // same code on 16 KB and 256 KB (linear: about 16, quadratic: about 256), the fastest of several
  // runs each, so a busy machine slows both sides alike; the bound sits a factor of 4 from each, so
  // neither noise on a loaded machine nor a small constant makes it flip.
  const fastestMs = (text: string) => {
    let best = Infinity;
    for (let run = 0; run < 7; run += 1) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 5; i += 1) redactText(text);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return best;
  };
  const KB = 1024;
  it.each([
    ['a query name of repeated "key"', (n: number) => `/&${'key'.repeat(n / 3)}`],
    ['many separators and no "="', (n: number) => `/${'&key?'.repeat(n / 5)}`],
    ['question marks only', (n: number) => `/x${'?'.repeat(n)}key`],
    ['scheme characters without "://"', (n: number) => 'a.'.repeat(n / 2)],
    ['a scheme and no "@"', (n: number) => `https://${'a'.repeat(n)}`],
    ['digits after a CheckoutRequestID prefix', (n: number) => `ws_CO_${'1'.repeat(n)}`],
    ['a long run of digits', (n: number) => '2'.repeat(n)],
    ['a callback prefix without a token', (n: number) => `/api/v1/callbacks/stk/${'x'.repeat(n)}`],
  ])('when the text is %s, then 256 KB costs about 16 times 16 KB, not 256 times', (_name, build) => {
    const small = build(16 * KB);
    const large = build(256 * KB);
    fastestMs(small); // compiled and warm before anything is measured
    const ratio = fastestMs(large) / fastestMs(small);
    expect(ratio).toBeLessThan(64);
  });
});

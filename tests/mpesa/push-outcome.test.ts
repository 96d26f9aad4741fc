// The STK Push answer table: only a documented refusal fails a push; anything else is unknown
// (the payment stays pending for its callback or an STK Query). Bodies from the fixtures.
import fixtures from '../fixtures/daraja-fixtures.json';
import { classifyPushAnswer } from '../../src/mpesa/mpesa.push-outcome';

type Fixture = { http_status?: number; body: unknown };
const fixture = (name: keyof typeof fixtures) => fixtures[name] as unknown as Fixture;

describe('when Daraja answers a push with a documented refusal', () => {
  it.each([
    ['stk_push_error_invalid_businessshortcode', 'mpesa_request_rejected'],
    ['stk_push_error_invalid_phonenumber', 'mpesa_request_rejected'],
    ['stk_push_error_missing_transactiondesc_invalid_remarks', 'mpesa_request_rejected'],
    ['stk_push_error_invalid_access_token', 'mpesa_credentials_rejected'],
    ['stk_push_error_invalid_access_token_legacy_401', 'mpesa_credentials_rejected'],
    ['stk_push_error_wrong_credentials', 'mpesa_credentials_rejected'],
    ['stk_push_error_merchantvalidate_wrong_credentials_legacy', 'mpesa_credentials_rejected'],
    ['stk_push_error_merchant_does_not_exist', 'mpesa_credentials_rejected'],
    ['stk_push_error_unable_to_lock_subscriber', 'mpesa_subscriber_busy'],
    ['stk_push_error_spike_arrest', 'mpesa_unavailable'],
    ['stk_push_error_system_busy', 'mpesa_unavailable'],
    ['stk_push_error_quota_violation', 'mpesa_unavailable'],
  ] as const)('then %s is rejected as %s', (name, code) => {
    const { http_status: status = 500, body } = fixture(name);
    expect(classifyPushAnswer(status, body)).toMatchObject({ kind: 'rejected', error: { code } });
  });
});

describe('when Daraja answers a push ambiguously', () => {
  it.each([
    ['HTTP 200 with an unreadable body', 200, '<html>gateway</html>'],
    ['HTTP 200 with an empty body', 200, ''],
    ['HTTP 200 with ResponseCode 1', 200, { ResponseCode: '1', ResponseDescription: 'Rejected' }],
    ['HTTP 200 with ResponseCode 0 but no CheckoutRequestID', 200, { ResponseCode: '0' }],
    ['HTTP 502 with an HTML page', 502, '<html><body>Bad Gateway</body></html>'],
    ['HTTP 503 with no body', 503, undefined],
    [
      'HTTP 500 with 500.003.1001 Internal Server Error',
      500,
      fixture('stk_push_error_internal_server_error').body,
    ],
    ['HTTP 500 with an undocumented code', 500, { errorCode: '500.009.42', errorMessage: 'Something new' }],
    [
      'HTTP 500 with 500.001.1001 and an undocumented message',
      500,
      { errorCode: '500.001.1001', errorMessage: 'The transaction is being processed' },
    ],
    ['HTTP 400 with an empty body (an OAuth answer, not a push one)', 400, ''],
    ['HTTP 301 to somewhere else', 301, ''],
  ])('then %s is unknown, never a failure', (_label, status, body) => {
    expect(classifyPushAnswer(status, body)).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining(`HTTP ${status}`),
    });
  });
});

describe('when Daraja accepts the push', () => {
  it('then the ids and the customer message are kept', () => {
    const { body } = fixture('stk_push_ack_daraja3_doc');
    expect(classifyPushAnswer(200, body)).toMatchObject({
      kind: 'accepted',
      checkoutRequestId: expect.stringMatching(/^ws_CO_/),
      customerMessage: expect.any(String),
    });
  });
});

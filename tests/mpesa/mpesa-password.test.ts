import fixtures from '../fixtures/daraja-fixtures.json';
import { nairobiTimestamp, stkCredentials, stkPassword } from '../../src/mpesa/mpesa.password';

describe('stkPassword', () => {
  it("when built from Safaricom's sandbox sample, then it equals the documented Password", () => {
    const sample = fixtures.stk_push_request_daraja3_doc.body;
    const passkey = fixtures.sandbox_credentials.stk_passkey;
    expect(stkPassword(String(sample.BusinessShortCode), passkey, sample.Timestamp)).toBe(sample.Password);
  });
});

describe('nairobiTimestamp', () => {
  it('when it is 21:30 UTC, then it is 00:30 the next day in Nairobi (UTC+3)', () => {
    expect(nairobiTimestamp(new Date('2026-12-31T21:30:05.999Z'))).toBe('20270101003005');
  });
});

describe('stkCredentials', () => {
  it('when called, then the Password is built from the very Timestamp it returns', () => {
    const at = new Date('2026-11-22T09:00:00Z');
    const credentials = stkCredentials('174379', 'passkey', at);
    expect(credentials.Timestamp).toBe('20261122120000');
    expect(Buffer.from(credentials.Password, 'base64').toString()).toBe(
      `174379passkey${credentials.Timestamp}`,
    );
  });
});

import fixtures from '../fixtures/daraja-fixtures.json';
import { parseStkCallback } from '../../src/callbacks/callback.parse';

describe('parseStkCallback', () => {
  it("when given Safaricom's documented success callback, then it reads every item by name", () => {
    expect(parseStkCallback(fixtures.stk_callback_success_daraja3_doc.body)).toEqual({
      merchantRequestId: '29115-34620561-1',
      checkoutRequestId: 'ws_CO_191220191020363925',
      resultCode: '0',
      resultDesc: 'The service request is processed successfully.',
      amount: 1,
      mpesaReceiptNumber: 'NLJ7RT61SV',
      transactionDate: '20191219102115',
      phone: '254708374149',
    });
  });

  it('when given the documented cancellation, then it has code 1032 and no metadata', () => {
    const parsed = parseStkCallback(fixtures.stk_callback_cancelled_1032_daraja3_doc.body);
    expect(parsed).toMatchObject({ resultCode: '1032', amount: undefined, mpesaReceiptNumber: undefined });
  });

  it('when items come in another order, with a Balance lacking Value and a string ResultCode, then it still reads them', () => {
    const body = {
      Body: {
        stkCallback: {
          MerchantRequestID: 'm',
          CheckoutRequestID: 'ws_CO_1',
          ResultCode: '0',
          ResultDesc: 'ok',
          CallbackMetadata: {
            Item: [
              { Name: 'PhoneNumber', Value: 254712345678 },
              { Name: 'Balance' },
              { Name: 'TransactionDate', Value: 20261122101010 },
              { Name: 'MpesaReceiptNumber', Value: 'UKM1ABCDEF' },
              { Name: 'Amount', Value: 10.0 },
              { Name: 'SomethingNew', Value: 'x' },
            ],
          },
        },
      },
    };
    expect(parseStkCallback(body)).toMatchObject({
      resultCode: '0',
      amount: 10,
      mpesaReceiptNumber: 'UKM1ABCDEF',
      phone: '254712345678',
    });
  });

  it('when the result code is alphanumeric (SFC_IC0003), then it is kept as a string', () => {
    const body = {
      Body: {
        stkCallback: {
          CheckoutRequestID: 'ws_CO_2',
          ResultCode: 'SFC_IC0003',
          ResultDesc: 'The operator does not exist.',
        },
      },
    };
    expect(parseStkCallback(body)?.resultCode).toBe('SFC_IC0003');
  });

  it.each([
    [undefined],
    [{}],
    [{ Body: {} }],
    [{ Body: { stkCallback: { CheckoutRequestID: 'x' } } }],
    ['text'],
  ])('when the body is not an STK callback (%p), then it returns undefined', (body) => {
    expect(parseStkCallback(body)).toBeUndefined();
  });
});

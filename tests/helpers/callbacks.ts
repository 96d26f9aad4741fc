// STK callback bodies as Safaricom sends them (shapes from tests/fixtures/daraja-fixtures.json).
import axios from 'axios';

export function successCallback(checkoutRequestId: string, amount: unknown, receipt = 'UKM1TEST01') {
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: '2654-4b64-97ff-b827b542881d3130',
        CheckoutRequestID: checkoutRequestId,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        CallbackMetadata: {
          Item: [
            { Name: 'Amount', Value: amount },
            { Name: 'MpesaReceiptNumber', Value: receipt },
            { Name: 'Balance' },
            { Name: 'TransactionDate', Value: 20261122101010 },
            { Name: 'PhoneNumber', Value: 254712345678 },
          ],
        },
      },
    },
  };
}

export function failureCallback(checkoutRequestId: string, resultCode: number | string, resultDesc: string) {
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: '2654-4b64-97ff-b827b542881d3130',
        CheckoutRequestID: checkoutRequestId,
        ResultCode: resultCode,
        ResultDesc: resultDesc,
      },
    },
  };
}

export function postCallback(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return axios.post(`${baseUrl}${path}`, body, {
    headers: { 'Content-Type': 'application/json;charset=UTF-8', Businessshortcode: '174379', ...headers },
    validateStatus: () => true,
  });
}

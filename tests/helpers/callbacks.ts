// STK callback bodies as Safaricom sends them (shapes from tests/fixtures/daraja-fixtures.json).
import { createHash } from 'node:crypto';
import axios from 'axios';

/**
 * The M-Pesa receipt a test payment is paid with unless a test names one: the same for one
 * CheckoutRequestID (a callback posted again carries it again), another for every payment, as
 * M-Pesa's are (one receipt, one payment: a receipt another payment holds is not completed twice).
 */
export function receiptOf(checkoutRequestId: string): string {
  return `UK${createHash('sha256').update(checkoutRequestId).digest('hex').slice(0, 8).toUpperCase()}`;
}

export function successCallback(
  checkoutRequestId: string,
  amount: unknown,
  receipt = receiptOf(checkoutRequestId),
) {
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

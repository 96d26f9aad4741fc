// Daraja's Dynamic QR (docs/daraja.md §7 "Dynamic QR"): a synchronous call whose answer carries
// the QR image itself, base64. Its `ResponseCode` is an opaque `AG_…` id, not a status code like
// every other API's "0": success is HTTP 200 with a QRCode.
import { AppError } from '../errors';
import { darajaError, readDarajaError } from './mpesa.errors';

export const DYNAMIC_QR_PATH = '/mpesa/qrcode/v1/generate';

/** BG: buy goods (a till); PB: a PayBill. Daraja also knows WA, SM and SB, which we do not make. */
export type TrxCode = 'BG' | 'PB';

export interface DynamicQrInput {
  merchantName: string;
  /** RefNo: the reference the payment carries (the PayBill account number). */
  reference: string;
  amount: number;
  trxCode: TrxCode;
  /** Credit Party Identifier: the till (BG) or the PayBill (PB). */
  cpi: string;
  /** Pixels, square. */
  size: number;
}

export interface DynamicQrAnswer {
  responseCode: string;
  requestId: string | null;
  description: string | null;
  /** The image, base64, as Daraja sent it. */
  qrCode: string;
}

export function dynamicQrBody(input: DynamicQrInput) {
  return {
    MerchantName: input.merchantName,
    RefNo: input.reference,
    Amount: input.amount,
    TrxCode: input.trxCode,
    CPI: input.cpi,
    // A string in the documented sample.
    Size: String(input.size),
  };
}

/** The QR of a 200 answer; a Daraja error body (or anything without a QRCode) throws its mapped AppError. */
export function readDynamicQrAnswer(httpStatus: number, data: unknown): DynamicQrAnswer {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  if (httpStatus === 200 && typeof body.QRCode === 'string' && body.QRCode.length > 0) {
    return {
      responseCode:
        typeof body.ResponseCode === 'string' ? body.ResponseCode : String(body.ResponseCode ?? ''),
      requestId: typeof body.RequestID === 'string' ? body.RequestID : null,
      description: typeof body.ResponseDescription === 'string' ? body.ResponseDescription : null,
      qrCode: body.QRCode,
    };
  }
  if (readDarajaError(data).errorCode !== undefined) throw darajaError(httpStatus, data);
  throw new AppError('mpesa_unavailable', 'M-Pesa answered the QR request without a QR code', {
    darajaHttpStatus: httpStatus,
  });
}

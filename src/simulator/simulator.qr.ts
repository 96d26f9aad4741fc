// Daraja's Dynamic QR as the simulator plays it (docs/daraja.md §7 "Dynamic QR"): HTTP 200 with
// an opaque `AG_…` ResponseCode, a RequestID, "QR Code Successfully Generated." and the QR as a
// base64 PNG of `Size` pixels. What M-Pesa's own QR encodes is not published, so the simulator's
// PNG holds a payload of its own, readable by any QR reader: JSON naming what the customer is
// asked to pay (SIMULATOR_QR_PAYLOAD below).
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { createConversationIds } from './simulator.conversation-ids';
import { invalidField, type DarajaError } from './simulator.errors';
import type { Checked } from './simulator.validation';
import { readMsisdn } from './simulator.validation';

const TRX_CODES = ['BG', 'WA', 'PB', 'SM', 'SB'] as const;
const GENERATED = 'QR Code Successfully Generated.';
/** Pixels: Daraja's sample asks for 300; a bound keeps a request from asking for a huge image. */
const MIN_SIZE = 50;
const MAX_SIZE = 2000;

export interface DynamicQrRequest {
  merchantName: string;
  refNo: string;
  amount: number;
  trxCode: (typeof TRX_CODES)[number];
  cpi: string;
  size: number;
}

/** What the simulator's QR encodes: the request's own fields, as JSON (its keys in Daraja's spelling). */
export interface SimulatorQrPayload {
  MerchantName: string;
  RefNo: string;
  Amount: number;
  TrxCode: string;
  CPI: string;
}

function readWhole(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

export function validateDynamicQr(body: Record<string, unknown>): Checked<DynamicQrRequest> {
  const invalid = (field: string): Checked<DynamicQrRequest> => ({ ok: false, error: invalidField(field) });
  const { MerchantName, RefNo, TrxCode, CPI } = body;
  if (typeof MerchantName !== 'string' || MerchantName.trim() === '') return invalid('MerchantName');
  if (typeof RefNo !== 'string' || RefNo.trim() === '') return invalid('RefNo');
  const amount = readWhole(body.Amount);
  if (amount === undefined || amount < 1) return invalid('Amount');
  if (typeof TrxCode !== 'string' || !(TRX_CODES as readonly string[]).includes(TrxCode))
    return invalid('TrxCode');
  const cpi = typeof CPI === 'number' ? String(CPI) : CPI;
  // SM and SB name a phone number (SB: a business number in MSISDN form); the others a shortcode or till.
  const cpiOk =
    typeof cpi === 'string' &&
    (TrxCode === 'SM' || TrxCode === 'SB' ? readMsisdn(cpi) !== undefined : /^\d{5,8}$/.test(cpi));
  if (!cpiOk) return invalid('CPI');
  const size = readWhole(body.Size);
  if (size === undefined || size < MIN_SIZE || size > MAX_SIZE) return invalid('Size');
  return {
    ok: true,
    value: {
      merchantName: MerchantName,
      refNo: RefNo,
      amount,
      trxCode: TrxCode as DynamicQrRequest['trxCode'],
      cpi: cpi as string,
      size,
    },
  };
}

export function qrPayloadOf(request: DynamicQrRequest): SimulatorQrPayload {
  return {
    MerchantName: request.merchantName,
    RefNo: request.refNo,
    Amount: request.amount,
    TrxCode: request.trxCode,
    CPI: request.cpi,
  };
}

export function createDynamicQr(deps: { refuse: (res: Response, error: DarajaError) => void }) {
  const ids = createConversationIds();
  async function handle(req: Request, res: Response): Promise<void> {
    const checked = validateDynamicQr(req.body as Record<string, unknown>);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const request = checked.value;
    const png = await QRCode.toBuffer(JSON.stringify(qrPayloadOf(request)), {
      type: 'png',
      width: request.size,
      margin: 4,
      errorCorrectionLevel: 'M',
    });
    res.json({
      // Opaque, shaped like a ConversationID; not a status code (docs/daraja.md §7).
      ResponseCode: ids.conversationId(Date.now()),
      RequestID: ids.requestId(),
      ResponseDescription: GENERATED,
      QRCode: png.toString('base64'),
    });
  }
  return { handle };
}

// A row of Daraja's Pull Transactions answer as the C2B payment it reports (docs/daraja.md §7
// "Pull Transactions"): read as leniently as a confirmation, by field name. It says less than a
// confirmation (no payer names, invoice number, balance or ThirdPartyTransID) and more in one
// place: the MSISDN comes in clear. The payment says it came by pull (`details.via`).
import type { PulledRow } from '../mpesa/mpesa.pull';
import type { C2bPayment } from '../payments/c2b.receive';
import { amountOf, msisdnOf } from './c2b.parse';

const TRANS_ID = /^[0-9A-Za-z]{1,40}$/;
const EAT_OFFSET_MS = 3 * 3600_000;

/** An instant as Kenyan wall-clock time in `YYYY-MM-DD HH:mm:ss`, Pull's StartDate and EndDate. */
export function pullDate(epochMs: number): string {
  return new Date(epochMs + EAT_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `trxDate` ("2025-01-24T10:56:11+03:00") as Daraja's TransTime (YYYYMMDDHHmmss, Kenyan time). */
export function transTimeOf(trxDate: string | null): string | null {
  const at = trxDate === null ? Number.NaN : Date.parse(trxDate);
  if (Number.isNaN(at)) return null;
  return new Date(at + EAT_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** "c2b-pay-bill-debit" or "c2b-buy-goods-debit"; null when it says neither. */
function channelOf(type: string | null): 'paybill' | 'till' | null {
  const text = (type ?? '').toLowerCase().replace(/[\s_-]+/g, '');
  if (text.includes('buygoods')) return 'till';
  if (text.includes('paybill')) return 'paybill';
  return null;
}

/** The payment a pulled row reports, or why it cannot be one. */
export function paymentOfPulledRow(
  row: PulledRow,
  shortcode: string,
): { ok: true; payment: C2bPayment } | { ok: false; reason: 'missing_trans_id' | 'bad_amount' } {
  if (!TRANS_ID.test(row.transactionId)) return { ok: false, reason: 'missing_trans_id' };
  const amount = amountOf(row.amount);
  if (!amount) return { ok: false, reason: 'bad_amount' };
  const msisdn = msisdnOf(row.msisdn);
  const channel = channelOf(row.transactionType);
  return {
    ok: true,
    payment: {
      transId: row.transactionId,
      transTime: transTimeOf(row.trxDate),
      wholeKes: amount.wholeKes,
      shillings: amount.shillings,
      channel,
      phone: msisdn.phone,
      details: {
        transactionType:
          channel === 'till' ? 'Buy Goods' : channel === 'paybill' ? 'Pay Bill' : row.transactionType,
        businessShortCode: shortcode,
        billReference: row.billReference,
        invoiceNumber: null,
        thirdPartyTransId: null,
        msisdn: msisdn.form === 'absent' ? null : msisdn.phone,
        msisdnForm: msisdn.form,
        firstName: null,
        middleName: null,
        lastName: null,
        orgAccountBalance: null,
        amountReported: amount.reported,
        amountWholeKes: amount.wholeKes !== undefined,
        via: 'pull',
      },
    },
  };
}

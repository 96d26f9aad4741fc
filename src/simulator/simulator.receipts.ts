// Every M-Pesa receipt the simulator has issued (a completed STK Push; a C2B payment), so that
// Transaction Status can find it as M-Pesa would. A receipt exists from the moment its payment
// completed (`completedAt`); asked about before that, it is not found yet.
import { eatTimestamp } from './simulator.ids';

// Like the payment store: enough for long runs, bounded; the oldest are forgotten first.
const MAX_REMEMBERED_RECEIPTS = 100_000;

export interface SimulatedReceipt {
  receiptNo: string;
  amount: number;
  /** The customer who paid (MSISDN) and their name as M-Pesa shows it. */
  phoneNumber: string;
  payerName: string;
  /** The shortcode credited: the PayBill, or the Head Office shortcode of a till. */
  shortcode: string;
  /** The till paid, for Buy Goods. */
  till?: string;
  /** What kind of payment it was (M-Pesa's ReasonType). */
  reason: string;
  /** Epoch ms. */
  completedAt: number;
}

export interface ReceiptLedger {
  record(receipt: SimulatedReceipt): void;
  /** The receipt as M-Pesa would know it `at` (epoch ms): undefined when unknown or not yet completed. */
  find(receiptNo: string, at: number): SimulatedReceipt | undefined;
}

export function createReceiptLedger(): ReceiptLedger {
  const receipts = new Map<string, SimulatedReceipt>();
  return {
    record(receipt) {
      receipts.set(receipt.receiptNo.toUpperCase(), receipt);
      if (receipts.size > MAX_REMEMBERED_RECEIPTS) {
        const oldest = receipts.keys().next();
        if (!oldest.done) receipts.delete(oldest.value);
      }
    },
    find(receiptNo, at) {
      const receipt = receipts.get(receiptNo.toUpperCase());
      return receipt && receipt.completedAt <= at ? receipt : undefined;
    },
  };
}

/** M-Pesa's YYYYMMDDHHmmss (East Africa Time) of a receipt's completion. */
export const receiptTime = (receipt: SimulatedReceipt) => eatTimestamp(receipt.completedAt);

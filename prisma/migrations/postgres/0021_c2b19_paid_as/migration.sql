-- One receipt, one payment (issue 19): a payment request whose own success (STK callback)
-- carries a receipt another payment already holds (a walk-in payment a C2B confirmation made
-- first) is linked to that payment instead of being completed with the same money again.
ALTER TABLE "Transaction" ADD COLUMN "paidAs" TEXT;

-- Supplier payments (B2B) on the payouts ledger (issue 20): one ledger, one state machine.
-- A payout's channel says where the money goes: a phone (b2c), a PayBill with an account
-- number (b2b_paybill) or a till (b2b_till). B2B's request takes no OriginatorConversationID, so
-- the one Daraja gives back is kept to ask Transaction Status by; a B2C payout's is its own id.
-- AlterTable
ALTER TABLE "Payout" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'b2c';
ALTER TABLE "Payout" ADD COLUMN "recipientShortcode" TEXT;
ALTER TABLE "Payout" ADD COLUMN "accountReference" TEXT;
ALTER TABLE "Payout" ADD COLUMN "originatorConversationId" TEXT;

UPDATE "Payout" SET "originatorConversationId" = "id" WHERE "channel" = 'b2c';

-- Pull Transactions (issue 19 item 6): an account's opt-in to Daraja's catch-up of C2B
-- confirmations never delivered, its registration, the lease one instance holds while it pulls
-- the account's window, and what the last pull did.
-- AlterTable
ALTER TABLE "C2bSetting" ADD COLUMN "pullEnabled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "C2bSetting" ADD COLUMN "pullNominatedNumber" TEXT;
ALTER TABLE "C2bSetting" ADD COLUMN "pullRegisteredAt" DATETIME;
ALTER TABLE "C2bSetting" ADD COLUMN "pullLeaseUntil" DATETIME;
ALTER TABLE "C2bSetting" ADD COLUMN "pullLeaseOwner" TEXT;
ALTER TABLE "C2bSetting" ADD COLUMN "lastPullAt" DATETIME;
ALTER TABLE "C2bSetting" ADD COLUMN "lastPullFilled" INTEGER;
ALTER TABLE "C2bSetting" ADD COLUMN "lastPullError" TEXT;

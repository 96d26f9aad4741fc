-- Pull Transactions (issue 19 item 6): an account's opt-in to Daraja's catch-up of C2B
-- confirmations never delivered, its registration, the lease one instance holds while it pulls
-- the account's window, and what the last pull did.
-- AlterTable
ALTER TABLE "C2bSetting" ADD COLUMN     "pullEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pullNominatedNumber" TEXT,
ADD COLUMN     "pullRegisteredAt" TIMESTAMP(3),
ADD COLUMN     "pullLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "pullLeaseOwner" TEXT,
ADD COLUMN     "lastPullAt" TIMESTAMP(3),
ADD COLUMN     "lastPullFilled" INTEGER,
ADD COLUMN     "lastPullError" TEXT;

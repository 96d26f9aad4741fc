-- Refunds by reversal and account balances (issue 20 items 5 and 6). A refund is its own row
-- (src/refunds), stored before Daraja is called; "activeKey" holds the payment's id while a
-- refund of it may still move money (null once it failed), so one payment has at most one live
-- refund on both engines (NULLs are distinct in a unique index). A payment a refund reversed
-- keeps the reversal's receipt beside its own. Results Safaricom posts for refunds and balance
-- checks are stored before they are acknowledged in "MoneyResult", as payouts' in "PayoutResult".
ALTER TABLE "Transaction" ADD COLUMN "reversalReceipt" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "reversedAt" DATETIME;

-- CreateTable
CREATE TABLE "Refund" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "accountId" TEXT,
    "shortcode" TEXT NOT NULL,
    "receipt" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "remarks" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "activeKey" TEXT,
    "requestedBy" TEXT NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "submittedAt" DATETIME,
    "answeredAt" DATETIME,
    "conversationId" TEXT,
    "resultCode" TEXT,
    "resultDesc" TEXT,
    "reasonCode" TEXT,
    "reasonMessage" TEXT,
    "reversalReceipt" TEXT,
    "settledBy" TEXT,
    "statusCheckAt" DATETIME,
    "statusChecks" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "settledAt" DATETIME,
    CONSTRAINT "Refund_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BalanceCheck" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "accountId" TEXT,
    "shortcode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "conversationId" TEXT,
    "resultCode" TEXT,
    "resultDesc" TEXT,
    "balances" TEXT,
    "rawBalance" TEXT,
    "completedTime" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "settledAt" DATETIME,
    CONSTRAINT "BalanceCheck_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MoneyResult" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "subject" TEXT NOT NULL,
    "subjectId" TEXT,
    "kind" TEXT NOT NULL,
    "sourceIp" TEXT NOT NULL,
    "rawBody" BLOB NOT NULL,
    "outcome" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "processedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Refund_activeKey_key" ON "Refund"("activeKey");

-- CreateIndex
CREATE INDEX "Refund_projectId_mode_id_idx" ON "Refund"("projectId", "mode", "id");

-- CreateIndex
CREATE INDEX "Refund_transactionId_idx" ON "Refund"("transactionId");

-- CreateIndex
CREATE INDEX "Refund_status_statusCheckAt_idx" ON "Refund"("status", "statusCheckAt");

-- CreateIndex
CREATE INDEX "BalanceCheck_projectId_mode_id_idx" ON "BalanceCheck"("projectId", "mode", "id");

-- CreateIndex
CREATE INDEX "MoneyResult_subjectId_idx" ON "MoneyResult"("subjectId");

-- Hand-written (Prisma cannot express partial indexes): results still waiting to be applied.
CREATE INDEX "MoneyResult_unprocessed_idx" ON "MoneyResult" ("id") WHERE "processedAt" IS NULL;

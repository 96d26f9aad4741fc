-- C2B, till and PayBill payments the customer starts (issue 19). The table definition is
-- prisma migrate diff's; the columns are added with ALTER TABLE by hand instead of the copy of
-- "Transaction" and "CallbackRecord" the diff makes (a copy would drop the partial index of
-- 0002 and rewrite every payment). A C2B payment is a row of "Transaction" like an STK payment
-- ("origin" tells them apart); its TransID is unique per project and mode, so a confirmation
-- delivered twice is recorded once. C2B confirmations and validations are stored in
-- "CallbackRecord" beside STK results ("kind").
ALTER TABLE "Transaction" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'stk_push';
ALTER TABLE "Transaction" ADD COLUMN "c2bTransId" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "c2bDetails" TEXT;
CREATE UNIQUE INDEX "Transaction_projectId_mode_c2bTransId_key" ON "Transaction"("projectId", "mode", "c2bTransId");

ALTER TABLE "CallbackRecord" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'stk';
ALTER TABLE "CallbackRecord" ADD COLUMN "accountId" TEXT;
ALTER TABLE "CallbackRecord" ADD COLUMN "reason" TEXT;

-- CreateTable
CREATE TABLE "C2bSetting" (
    "accountId" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "version" TEXT NOT NULL,
    "responseType" TEXT NOT NULL,
    "tokenHash" TEXT,
    "registeredAt" DATETIME,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "lastDarajaErrorCode" TEXT,
    "lastErrorAt" DATETIME,
    "validationEnabled" BOOLEAN NOT NULL DEFAULT false,
    "validationRules" TEXT,
    "validationUrl" TEXT,
    "validationSecretEnc" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "C2bSetting_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "C2bSetting_projectId_idx" ON "C2bSetting"("projectId");

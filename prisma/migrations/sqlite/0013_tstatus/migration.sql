-- Transaction Status (issue 19 item 5) and Dynamic QR (item 7): an account's initiator password
-- and certificate, the status queries with the Results Safaricom posts about them (stored
-- byte-exact before they are acknowledged), and the QR codes generated.
-- AlterTable
ALTER TABLE "MpesaAccount" ADD COLUMN "initiatorPasswordEnc" TEXT;
ALTER TABLE "MpesaAccount" ADD COLUMN "securityCertificate" TEXT;

-- CreateTable
CREATE TABLE "StatusQuery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "accountId" TEXT,
    "environment" TEXT NOT NULL,
    "shortcode" TEXT NOT NULL,
    "receipt" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "conversationId" TEXT,
    "originatorConversationId" TEXT,
    "requestFinishedAt" DATETIME,
    "refusalCode" TEXT,
    "refusalMessage" TEXT,
    "refusalDarajaCode" TEXT,
    "resultCode" TEXT,
    "resultDesc" TEXT,
    "receiptNo" TEXT,
    "amount" INTEGER,
    "amountText" TEXT,
    "transactionStatus" TEXT,
    "debitParty" TEXT,
    "creditParty" TEXT,
    "initiatedTime" TEXT,
    "finalisedTime" TEXT,
    "reasonType" TEXT,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    CONSTRAINT "StatusQuery_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StatusQueryResult" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "statusQueryId" TEXT,
    "kind" TEXT NOT NULL,
    "sourceIp" TEXT NOT NULL,
    "rawBody" BLOB NOT NULL,
    "outcome" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "processedAt" DATETIME,
    CONSTRAINT "StatusQueryResult_statusQueryId_fkey" FOREIGN KEY ("statusQueryId") REFERENCES "StatusQuery" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DynamicQrCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "accountId" TEXT,
    "trxCode" TEXT NOT NULL,
    "cpi" TEXT NOT NULL,
    "merchantName" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "reference" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "responseCode" TEXT NOT NULL,
    "requestId" TEXT,
    "png" TEXT NOT NULL,
    "svg" TEXT,
    "payload" TEXT,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "DynamicQrCode_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "StatusQuery_projectId_mode_id_idx" ON "StatusQuery"("projectId", "mode", "id");

-- CreateIndex
CREATE UNIQUE INDEX "StatusQuery_projectId_mode_idempotencyKey_key" ON "StatusQuery"("projectId", "mode", "idempotencyKey");

-- CreateIndex
CREATE INDEX "StatusQueryResult_statusQueryId_idx" ON "StatusQueryResult"("statusQueryId");

-- CreateIndex
CREATE INDEX "DynamicQrCode_projectId_mode_id_idx" ON "DynamicQrCode"("projectId", "mode", "id");

-- CreateIndex
CREATE INDEX "DynamicQrCode_projectId_mode_reference_id_idx" ON "DynamicQrCode"("projectId", "mode", "reference", "id");

-- CreateIndex
CREATE UNIQUE INDEX "DynamicQrCode_projectId_mode_idempotencyKey_key" ON "DynamicQrCode"("projectId", "mode", "idempotencyKey");


-- Hand-written (Prisma cannot express partial indexes): only Results still waiting to be applied
-- are indexed, so the sweep finds them without every Result paying an index write.
CREATE INDEX "StatusQueryResult_unprocessed_idx" ON "StatusQueryResult" ("id") WHERE "processedAt" IS NULL;

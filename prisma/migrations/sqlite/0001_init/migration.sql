-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "keysRotatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Transaction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "shortcode" TEXT NOT NULL,
    "partyB" TEXT NOT NULL,
    "accountReference" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "metadata" TEXT,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "merchantRequestId" TEXT,
    "checkoutRequestId" TEXT,
    "customerMessage" TEXT,
    "pushFinishedAt" DATETIME,
    "submitError" TEXT,
    "resultCode" TEXT,
    "resultDesc" TEXT,
    "mpesaReceiptNumber" TEXT,
    "amountPaid" INTEGER,
    "amountMismatch" BOOLEAN NOT NULL DEFAULT false,
    "paidPhone" TEXT,
    "transactionDate" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "settledAt" DATETIME,
    CONSTRAINT "Transaction_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StatusChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "transactionId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "resultCode" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StatusChange_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "Transaction" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CallbackRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "transactionId" TEXT,
    "checkoutRequestId" TEXT,
    "sourceIp" TEXT NOT NULL,
    "rawBody" TEXT NOT NULL,
    "outcome" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    CONSTRAINT "CallbackRecord_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "Transaction" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Project_publicKey_key" ON "Project"("publicKey");

-- CreateIndex
CREATE UNIQUE INDEX "Transaction_checkoutRequestId_key" ON "Transaction"("checkoutRequestId");

-- CreateIndex
CREATE INDEX "Transaction_projectId_id_idx" ON "Transaction"("projectId", "id");

-- CreateIndex
CREATE INDEX "Transaction_projectId_status_id_idx" ON "Transaction"("projectId", "status", "id");

-- CreateIndex
CREATE INDEX "Transaction_projectId_phone_id_idx" ON "Transaction"("projectId", "phone", "id");

-- CreateIndex
CREATE INDEX "Transaction_projectId_createdAt_idx" ON "Transaction"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Transaction_status_createdAt_idx" ON "Transaction"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Transaction_projectId_idempotencyKey_key" ON "Transaction"("projectId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "StatusChange_transactionId_createdAt_idx" ON "StatusChange"("transactionId", "createdAt");

-- CreateIndex
CREATE INDEX "CallbackRecord_transactionId_idx" ON "CallbackRecord"("transactionId");

-- CreateIndex
CREATE INDEX "CallbackRecord_checkoutRequestId_idx" ON "CallbackRecord"("checkoutRequestId");


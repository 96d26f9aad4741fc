-- Payout batches (issue 20 item 3): a batch holds one approval and the send pace; each of its
-- rows is an ordinary payout (same ledger, same never-twice send) that names its batch and the
-- line it came from. "nextSendAt" is the send slot instances compete for (src/payouts).
-- CreateTable
CREATE TABLE "PayoutBatch" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "requestedBy" TEXT NOT NULL,
    "approvalRequired" BOOLEAN NOT NULL DEFAULT false,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "nextSendAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "PayoutBatch_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Payout" ADD COLUMN "batchId" TEXT;
ALTER TABLE "Payout" ADD COLUMN "batchLine" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "PayoutBatch_projectId_mode_idempotencyKey_key" ON "PayoutBatch"("projectId", "mode", "idempotencyKey");
CREATE INDEX "PayoutBatch_projectId_mode_id_idx" ON "PayoutBatch"("projectId", "mode", "id");
CREATE INDEX "PayoutBatch_status_nextSendAt_idx" ON "PayoutBatch"("status", "nextSendAt");
CREATE INDEX "Payout_batchId_batchLine_idx" ON "Payout"("batchId", "batchLine");

-- AddForeignKey
ALTER TABLE "PayoutBatch" ADD CONSTRAINT "PayoutBatch_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "PayoutBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

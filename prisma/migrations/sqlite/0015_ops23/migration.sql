-- Issue 23: key rolls with a grace period (RetiringApiKey), M-Pesa accounts that can be disabled
-- and enabled again (disabledAt), and the audit trail of operator actions (AuditEntry).
-- AlterTable
ALTER TABLE "MpesaAccount" ADD COLUMN "disabledAt" DATETIME;

-- CreateTable
CREATE TABLE "RetiringApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "secretKeyEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "retiredAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "RetiringApiKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL,
    "actorKind" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "projectId" TEXT,
    "mode" TEXT,
    "targetId" TEXT,
    "details" TEXT NOT NULL,
    "sourceIp" TEXT,
    "requestId" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "RetiringApiKey_publicKey_key" ON "RetiringApiKey"("publicKey");

-- CreateIndex
CREATE INDEX "RetiringApiKey_projectId_mode_idx" ON "RetiringApiKey"("projectId", "mode");

-- CreateIndex
CREATE INDEX "AuditEntry_projectId_id_idx" ON "AuditEntry"("projectId", "id");


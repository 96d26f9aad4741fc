-- An M-Pesa account's create may carry an Idempotency-Key: a repeat (an SDK's re-signed send
-- after a copy raced ahead) answers the account it created instead of adding another.
ALTER TABLE "MpesaAccount" ADD COLUMN "idempotencyKey" TEXT;
ALTER TABLE "MpesaAccount" ADD COLUMN "requestHash" TEXT;
CREATE UNIQUE INDEX "MpesaAccount_projectId_environment_idempotencyKey_key" ON "MpesaAccount"("projectId", "environment", "idempotencyKey");

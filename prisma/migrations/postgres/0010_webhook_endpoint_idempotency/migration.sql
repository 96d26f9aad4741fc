-- A webhook endpoint's create may carry an Idempotency-Key: a repeat (an SDK's re-signed send
-- after a copy raced ahead) answers the endpoint it created instead of registering another.
ALTER TABLE "WebhookEndpoint" ADD COLUMN "idempotencyKey" TEXT;
ALTER TABLE "WebhookEndpoint" ADD COLUMN "requestHash" TEXT;
CREATE UNIQUE INDEX "WebhookEndpoint_projectId_mode_idempotencyKey_key" ON "WebhookEndpoint"("projectId", "mode", "idempotencyKey");

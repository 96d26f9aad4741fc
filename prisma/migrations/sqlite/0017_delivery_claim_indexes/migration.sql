-- What a webhook claim reads, each through its own index (src/webhooks/delivery.claim.ts), so a
-- claim costs about what it returns instead of reading every due delivery: the oldest due (id
-- orders those due at the same moment, as when an endpoint's held deliveries are released), each
-- endpoint's oldest due, and the leases in flight that the fairness caps count.
DROP INDEX "WebhookDelivery_status_nextAttemptAt_idx";
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_id_idx" ON "WebhookDelivery"("status", "nextAttemptAt", "id");
CREATE INDEX "WebhookDelivery_endpointId_status_nextAttemptAt_id_idx" ON "WebhookDelivery"("endpointId", "status", "nextAttemptAt", "id");
CREATE INDEX "WebhookDelivery_lockedUntil_idx" ON "WebhookDelivery"("lockedUntil");

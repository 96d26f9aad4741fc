// Standard Webhooks signatures: made in the kernel (src/security/webhook-signing.ts), which the
// C2B validation call signs with too; the secrets of endpoints are sealed for their endpoint.
import { webhookSecretSealedFor } from '../security/sealed-for';

export { newWebhookSecret, signWebhook, webhookHeaders } from '../security/webhook-signing';
export { webhookSecretSealedFor };

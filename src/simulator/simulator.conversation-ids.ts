// Identifiers of Daraja's asynchronous APIs (Transaction Status) and of Dynamic QR, shaped like
// the documented samples (docs/daraja.md §7): ConversationID `AG_<yyyymmdd>_<20 hex>`, the same
// shape as a QR's opaque ResponseCode; an OriginatorConversationID like the 2024 captures (a
// UUID); a QR RequestID like `16738-27456357-1`.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { eatParts } from './simulator.ids';

export function createConversationIds() {
  return {
    /** `AG_20180223_0000493344ae97d86f75`: the date in East Africa Time, then 20 hex characters. */
    conversationId(at: number): string {
      const t = eatParts(at);
      return `AG_${t.year}${t.month}${t.day}_${randomBytes(10).toString('hex')}`;
    },
    originatorConversationId: (): string => randomUUID(),
    /** `16738-27456357-1`. */
    requestId: (): string => `${randomInt(10_000, 100_000)}-${randomInt(10_000_000, 100_000_000)}-1`,
  };
}

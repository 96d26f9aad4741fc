// DeliveryStore on the shared raw SQLite connection (db/sqlite-writer.ts). SQLite has one
// writer at a time, so an UPDATE … RETURNING over the due rows is the claim: no other
// connection can take the same rows between our read and our write (the SQLite equivalent
// of FOR UPDATE SKIP LOCKED).
import { recordEventSqlite } from '../db/payment-store.sqlite';
import { fromSql, toSql, type SqlRow, type SqliteWriter } from '../db/sqlite-writer';
import { deliveryAfter, type ClaimedDelivery, type DeliveryStore } from './delivery.store';

const CLAIM_SQL = `
UPDATE "WebhookDelivery" SET "lockedUntil" = ?, "attempts" = "attempts" + 1
WHERE "id" IN (
  SELECT d."id" FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
  WHERE d."status" = 'pending' AND d."nextAttemptAt" <= ? AND (d."lockedUntil" IS NULL OR d."lockedUntil" <= ?)
    AND e."enabled" = 1 AND e."deletedAt" IS NULL
  ORDER BY d."nextAttemptAt" LIMIT ?
)
RETURNING "id", "attempts", "eventId", "endpointId"`;

const DETAILS_SQL = `
SELECT ev."type" AS "eventType", ev."payload", e."projectId", e."url", e."secretEnc", e."previousSecretEnc",
       e."previousSecretExpiresAt", e."failingSince"
FROM "Event" ev, "WebhookEndpoint" e WHERE ev."id" = ? AND e."id" = ?`;

export function createSqliteDeliveryStore(writer: SqliteWriter): DeliveryStore {
  const { prepare, insert, update, commit } = writer;
  return {
    claimDue(limit, now, leaseUntil) {
      return commit('process', () => {
        const claimed = prepare(CLAIM_SQL).all(toSql(leaseUntil), toSql(now), toSql(now), limit) as Array<{
          id: string;
          attempts: number;
          eventId: string;
          endpointId: string;
        }>;
        return claimed.map((row): ClaimedDelivery => {
          const details = fromSql<Record<string, unknown>>(prepare(DETAILS_SQL).get(row.eventId, row.endpointId) as SqlRow)!;
          return {
            id: row.id,
            attempts: row.attempts,
            eventId: row.eventId,
            eventType: details.eventType as string,
            payload: details.payload as string,
            endpoint: {
              id: row.endpointId,
              projectId: details.projectId as string,
              url: details.url as string,
              secretEnc: details.secretEnc as string,
              previousSecretEnc: details.previousSecretEnc as string | null,
              previousSecretExpiresAt: details.previousSecretExpiresAt as Date | null,
              failingSince: details.failingSince as Date | null,
            },
          };
        });
      });
    },
    recordAttempt(attempt, outcome, endpointChange) {
      // Not fsynced: after a power loss the worst case is the same event sent again, with the
      // same webhook-id, which receivers dedupe on.
      return commit('process', () => {
        insert('DeliveryAttempt', attempt);
        update('WebhookDelivery', attempt.deliveryId, deliveryAfter(attempt, outcome));
        const endpointId = prepare('SELECT "endpointId" FROM "WebhookDelivery" WHERE "id" = ?').get(attempt.deliveryId) as { endpointId: string };
        if (endpointChange.disable) {
          const changed = prepare('UPDATE "WebhookEndpoint" SET "enabled" = 0, "disabledReason" = ?, "updatedAt" = ? WHERE "id" = ? AND "enabled" = 1').run(
            endpointChange.disable.reason,
            toSql(attempt.attemptedAt),
            endpointId.endpointId,
          );
          if (changed.changes === 1) recordEventSqlite(writer, endpointChange.disable.event);
        } else if (endpointChange.failingSince !== undefined) {
          prepare('UPDATE "WebhookEndpoint" SET "failingSince" = ? WHERE "id" = ?').run(toSql(endpointChange.failingSince), endpointId.endpointId);
        }
      });
    },
  };
}

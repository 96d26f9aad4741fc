// DeliveryStore on Prisma (PostgreSQL). Due deliveries are claimed with FOR UPDATE SKIP
// LOCKED: concurrent workers each take different rows and never wait for each other.
import type { Db } from '../db/db.client';
import { recordEventPrisma } from '../db/payment-store.prisma';
import { deliveryAfter, type ClaimedDelivery, type DeliveryStore } from './delivery.store';

export function createPrismaDeliveryStore(db: Db): DeliveryStore {
  return {
    async claimDue(limit, now, leaseUntil) {
      const claimed = await db.$queryRawUnsafe<Array<{ id: string; attempts: number; eventId: string; endpointId: string }>>(
        `WITH due AS (
           SELECT d."id" FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
           WHERE d."status" = 'pending' AND d."nextAttemptAt" <= $1 AND (d."lockedUntil" IS NULL OR d."lockedUntil" <= $1)
             AND e."enabled" AND e."deletedAt" IS NULL
           ORDER BY d."nextAttemptAt" LIMIT $2
           FOR UPDATE OF d SKIP LOCKED)
         UPDATE "WebhookDelivery" w SET "lockedUntil" = $3, "attempts" = w."attempts" + 1
         FROM due WHERE w."id" = due."id"
         RETURNING w."id", w."attempts", w."eventId", w."endpointId"`,
        now,
        limit,
        leaseUntil,
      );
      if (claimed.length === 0) return [];
      const [events, endpoints] = await Promise.all([
        db.event.findMany({ where: { id: { in: claimed.map((row) => row.eventId) } }, select: { id: true, type: true, payload: true } }),
        db.webhookEndpoint.findMany({ where: { id: { in: claimed.map((row) => row.endpointId) } } }),
      ]);
      return claimed.map((row): ClaimedDelivery => {
        const event = events.find((candidate) => candidate.id === row.eventId)!;
        const endpoint = endpoints.find((candidate) => candidate.id === row.endpointId)!;
        return {
          id: row.id,
          attempts: Number(row.attempts),
          eventId: row.eventId,
          eventType: event.type,
          payload: event.payload,
          endpoint: {
            id: endpoint.id,
            projectId: endpoint.projectId,
            url: endpoint.url,
            secretEnc: endpoint.secretEnc,
            previousSecretEnc: endpoint.previousSecretEnc,
            previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
            failingSince: endpoint.failingSince,
          },
        };
      });
    },
    async recordAttempt(attempt, outcome, endpointChange) {
      await db.$transaction(async (tx) => {
        await tx.deliveryAttempt.create({ data: attempt });
        const delivery = await tx.webhookDelivery.update({
          where: { id: attempt.deliveryId },
          data: deliveryAfter(attempt, outcome),
          select: { endpointId: true },
        });
        if (endpointChange.disable) {
          const { count } = await tx.webhookEndpoint.updateMany({
            where: { id: delivery.endpointId, enabled: true },
            data: { enabled: false, disabledReason: endpointChange.disable.reason },
          });
          if (count === 1) await recordEventPrisma(tx, endpointChange.disable.event);
        } else if (endpointChange.failingSince !== undefined) {
          await tx.webhookEndpoint.update({ where: { id: delivery.endpointId }, data: { failingSince: endpointChange.failingSince } });
        }
      });
    },
  };
}

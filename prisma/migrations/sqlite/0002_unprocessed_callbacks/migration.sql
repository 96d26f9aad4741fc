-- Hand-written (Prisma cannot express partial indexes): only callbacks still waiting to be
-- applied are indexed, so the sweep finds them without every callback paying an index write.
CREATE INDEX "CallbackRecord_unprocessed_idx" ON "CallbackRecord" ("id") WHERE "processedAt" IS NULL;

-- A batch row that keeps failing before its claim (nothing sent) is tried a bounded number of
-- times, then failed, so a batch always ends (src/payouts/payout-batch.worker.ts). The count of
-- tries in a row is the batch's, in the database, so every instance shares it and a restart keeps it.
ALTER TABLE "PayoutBatch" ADD COLUMN "sendFailures" INTEGER NOT NULL DEFAULT 0;

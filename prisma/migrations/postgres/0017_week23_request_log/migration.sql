-- Issue 23: the request log, the last signed API requests of each project and mode (ApiRequestLog).
-- CreateTable
CREATE TABLE "ApiRequestLog" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "projectId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "errorCode" TEXT,
    "latencyMs" INTEGER NOT NULL,
    "requestId" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,

    CONSTRAINT "ApiRequestLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiRequestLog_projectId_mode_id_idx" ON "ApiRequestLog"("projectId", "mode", "id");

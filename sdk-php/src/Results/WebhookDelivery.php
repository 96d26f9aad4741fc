<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** One event to one endpoint, retried on its schedule until it succeeds or fails for good. */
final class WebhookDelivery
{
    /**
     * @param list<array<string, mixed>>|null $attemptLog every attempt, oldest first (Events::retrieve only):
     *        id, attemptedAt, statusCode, latencyMs, responseBody, error
     */
    public function __construct(
        public readonly string $id,
        public readonly string $eventId,
        public readonly string $endpointId,
        public readonly string $status,
        public readonly int $attempts,
        public readonly ?string $nextAttemptAt,
        public readonly ?int $lastStatusCode,
        public readonly ?string $lastError,
        public readonly string $createdAt,
        public readonly ?string $completedAt,
        public readonly ?array $attemptLog,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: (string) $data['id'],
            eventId: (string) $data['eventId'],
            endpointId: (string) $data['endpointId'],
            status: (string) $data['status'],
            attempts: (int) $data['attempts'],
            nextAttemptAt: $data['nextAttemptAt'] ?? null,
            lastStatusCode: isset($data['lastStatusCode']) ? (int) $data['lastStatusCode'] : null,
            lastError: $data['lastError'] ?? null,
            createdAt: (string) $data['createdAt'],
            completedAt: $data['completedAt'] ?? null,
            attemptLog: isset($data['attemptLog']) ? array_values($data['attemptLog']) : null,
        );
    }
}

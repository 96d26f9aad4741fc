<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/**
 * A batch of payouts, approved once, sent row by row. `status`: awaiting_approval, sending, sent
 * or rejected. `total` is KES, the sum of its rows; `counts` says how many rows stand in each payout status.
 */
final class PayoutBatch
{
    /**
     * @param array<string, int> $counts
     * @param array<string, mixed> $raw
     */
    public function __construct(
        public readonly string $id,
        public readonly string $status,
        public readonly string $mode,
        public readonly int $rowCount,
        public readonly int $total,
        public readonly array $counts,
        public readonly string $requestedBy,
        public readonly ?PayoutApproval $approval,
        public readonly string $createdAt,
        /** When its last row was handed to Daraja. */
        public readonly ?string $completedAt,
        public readonly array $raw,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: (string) $data['id'],
            status: (string) $data['status'],
            mode: (string) ($data['mode'] ?? ''),
            rowCount: (int) $data['rowCount'],
            total: (int) $data['total'],
            counts: array_map('intval', (array) ($data['counts'] ?? [])),
            requestedBy: (string) ($data['requestedBy'] ?? ''),
            approval: PayoutApproval::fromArray($data['approval'] ?? null),
            createdAt: (string) $data['createdAt'],
            completedAt: $data['completedAt'] ?? null,
            raw: $data,
        );
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** A batch with every row, by line. `idempotencyKey` is the key a createBatch was sent with (null otherwise). */
final class PayoutBatchDetail
{
    /** @param list<PayoutBatchRow> $rows */
    public function __construct(
        public readonly PayoutBatch $batch,
        public readonly array $rows,
        public readonly ?string $idempotencyKey = null,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data, ?string $idempotencyKey = null): self
    {
        return new self(
            PayoutBatch::fromArray($data['batch']),
            array_map([PayoutBatchRow::class, 'fromArray'], $data['rows']),
            $idempotencyKey,
        );
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class ReconcileResult
{
    /** @param string $outcome settled, already_final, in_progress, no_answer, awaiting_callback, expired or busy */
    public function __construct(
        public readonly Transaction $transaction,
        public readonly string $outcome,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(Transaction::fromArray($data['transaction']), (string) $data['reconciliation']['outcome']);
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** One row of a batch: its line (the CSV line, or its place in `rows` from 1) and its payout as it stands. */
final class PayoutBatchRow
{
    public function __construct(
        public readonly int $line,
        public readonly Payout $payout,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((int) $data['line'], Payout::fromArray($data['payout']));
    }
}

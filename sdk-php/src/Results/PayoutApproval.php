<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** Present when the project's policy wanted an approval; `decision` (approved, rejected) is null until one is made. */
final class PayoutApproval
{
    public function __construct(
        public readonly ?string $decision,
        public readonly ?string $decidedBy,
        public readonly ?string $decidedAt,
    ) {
    }

    /** @param array<string, mixed>|null $data */
    public static function fromArray(?array $data): ?self
    {
        return $data === null ? null : new self($data['decision'] ?? null, $data['decidedBy'] ?? null, $data['decidedAt'] ?? null);
    }
}

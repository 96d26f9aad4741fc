<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** Why a payout failed or its outcome is unknown: insufficient_balance, approval_rejected, answer_lost, ... */
final class PayoutReason
{
    public function __construct(
        public readonly string $code,
        public readonly string $message,
        public readonly ?string $resultCode,
        public readonly ?string $resultDesc,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['code'], (string) $data['message'], $data['resultCode'] ?? null, $data['resultDesc'] ?? null);
    }
}

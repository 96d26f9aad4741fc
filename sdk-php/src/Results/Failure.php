<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** Why a payment did not complete: our code (cancelled_by_customer, insufficient_funds, ...) and Daraja's result. */
final class Failure
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

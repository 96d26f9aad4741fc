<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** An event of the project's log: `data` is the deliveries' `data` as decoded JSON. */
final class EventRecord
{
    /** @param array<string, mixed> $data */
    public function __construct(
        public readonly string $id,
        public readonly string $type,
        public readonly ?string $transactionId,
        public readonly string $createdAt,
        public readonly array $data,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['id'], (string) $data['type'], $data['transactionId'] ?? null, (string) $data['createdAt'], (array) ($data['data'] ?? []));
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class WebhookEndpoint
{
    /**
     * @param list<string> $eventTypes
     * @param array<string, mixed> $raw
     */
    public function __construct(
        public readonly string $id,
        public readonly string $url,
        public readonly ?string $description,
        public readonly array $eventTypes,
        public readonly bool $enabled,
        public readonly ?string $disabledReason,
        public readonly ?string $failingSince,
        public readonly ?string $previousSecretExpiresAt,
        public readonly string $createdAt,
        public readonly string $updatedAt,
        public readonly array $raw,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: (string) $data['id'],
            url: (string) $data['url'],
            description: $data['description'] ?? null,
            eventTypes: array_values($data['eventTypes'] ?? []),
            enabled: (bool) $data['enabled'],
            disabledReason: $data['disabledReason'] ?? null,
            failingSince: $data['failingSince'] ?? null,
            previousSecretExpiresAt: $data['previousSecretExpiresAt'] ?? null,
            createdAt: (string) $data['createdAt'],
            updatedAt: (string) $data['updatedAt'],
            raw: $data,
        );
    }
}

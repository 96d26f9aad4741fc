<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** A Daraja account of the project. Credentials are write-only: at most their last four characters come back. */
final class MpesaAccount
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $id,
        public readonly string $name,
        public readonly string $environment,
        public readonly string $mode,
        public readonly string $shortcode,
        public readonly ?string $tillNumber,
        public readonly ?string $consumerKey,
        public readonly ?string $consumerSecret,
        public readonly ?string $passkey,
        public readonly ?string $initiatorName,
        public readonly ?string $initiatorCredential,
        public readonly bool $isDefault,
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
            name: (string) $data['name'],
            environment: (string) $data['environment'],
            mode: (string) $data['mode'],
            shortcode: (string) $data['shortcode'],
            tillNumber: $data['tillNumber'] ?? null,
            consumerKey: $data['consumerKey'] ?? null,
            consumerSecret: $data['consumerSecret'] ?? null,
            passkey: $data['passkey'] ?? null,
            initiatorName: $data['initiatorName'] ?? null,
            initiatorCredential: $data['initiatorCredential'] ?? null,
            isDefault: (bool) ($data['isDefault'] ?? false),
            createdAt: (string) $data['createdAt'],
            updatedAt: (string) $data['updatedAt'],
            raw: $data,
        );
    }
}

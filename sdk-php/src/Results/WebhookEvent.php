<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/**
 * The body of a webhook delivery (what Webhook::verify() returns). Switch on `type` and keep a
 * default branch: later versions of the service may add types.
 */
final class WebhookEvent
{
    /** @param array<string, mixed> $data */
    public function __construct(
        public readonly string $id,
        public readonly string $type,
        public readonly string $timestamp,
        public readonly array $data,
    ) {
    }

    /** The payment of a `transaction.*` event, as it was right after the change. */
    public function transaction(): ?Transaction
    {
        return is_array($this->data['transaction'] ?? null) ? Transaction::fromArray($this->data['transaction']) : null;
    }

    /**
     * @param array<string, mixed> $event
     * @internal
     */
    public static function fromArray(array $event, string $webhookId): self
    {
        // The body's id is the webhook-id (Standard Webhooks); read by name, leniently, like any payload.
        return new self(
            (string) ($event['id'] ?? $webhookId),
            (string) ($event['type'] ?? ''),
            (string) ($event['timestamp'] ?? ''),
            is_array($event['data'] ?? null) ? $event['data'] : [],
        );
    }
}

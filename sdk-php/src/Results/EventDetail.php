<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class EventDetail
{
    /** @param list<WebhookDelivery> $deliveries one per endpoint it went to, with every attempt */
    public function __construct(
        public readonly EventRecord $event,
        public readonly array $deliveries,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            EventRecord::fromArray($data['event']),
            array_map([WebhookDelivery::class, 'fromArray'], array_values($data['deliveries'])),
        );
    }
}

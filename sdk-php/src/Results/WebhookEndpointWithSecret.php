<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class WebhookEndpointWithSecret
{
    /** @param string $secret `whsec_...`: shown at creation and rotation only; Webhook::verify() needs it. */
    public function __construct(
        public readonly WebhookEndpoint $endpoint,
        #[\SensitiveParameter] public readonly string $secret,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(WebhookEndpoint::fromArray($data['endpoint']), (string) $data['secret']);
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge;

/**
 * One exception to catch, with the service's error code to branch on (docs/api.md, "Error codes"):
 * `validation_failed`, `signature_invalid`, `rate_limited`, ... or one of the SDK's own:
 * `network_error` (no HTTP answer), `unexpected_response` (an answer that is not the service's
 * JSON), `wait_timeout`, and the `webhook_*` codes of Webhook::verify().
 */
class MpesaBridgeException extends \RuntimeException
{
    /**
     * @param int|null $status HTTP status, when the service answered
     * @param string|null $requestId The service's request id: quote it when asking for help
     * @param array<string, mixed>|null $details
     * @param int|null $retryAfter Seconds, from a Retry-After header
     */
    public function __construct(
        public readonly string $errorCode,
        string $message,
        public readonly ?int $status = null,
        public readonly ?string $requestId = null,
        public readonly ?array $details = null,
        public readonly ?int $retryAfter = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $status ?? 0, $previous);
    }
}

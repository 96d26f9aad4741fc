<?php

declare(strict_types=1);

namespace MpesaBridge;

/**
 * The request signature the service checks (docs/api.md, "Signing requests"): hex HMAC-SHA256,
 * keyed with the secret key, over "<unix seconds>\n<METHOD>\n<path with query>\n<raw body>".
 * The service checks the path it receives, so sign the exact path and query string that go on
 * the wire, and send the exact body that was signed.
 */
final class Signature
{
    /** @return array{X-Api-Key: string, X-Timestamp: string, X-Signature: string} */
    public static function sign(
        string $publicKey,
        string $secretKey,
        string $method,
        string $pathWithQuery,
        string $body,
        ?int $timestamp = null,
    ): array {
        $seconds = (string) ($timestamp ?? time());
        $signature = hash_hmac('sha256', $seconds . "\n" . strtoupper($method) . "\n" . $pathWithQuery . "\n" . $body, $secretKey);
        return ['X-Api-Key' => $publicKey, 'X-Timestamp' => $seconds, 'X-Signature' => $signature];
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge;

use MpesaBridge\Results\WebhookEvent;

/**
 * Verify a webhook delivery per the Standard Webhooks spec (https://www.standardwebhooks.com):
 *   webhook-signature = space-separated "v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>"
 *   key = base64 decode of the endpoint secret after its "whsec_" prefix
 * Several signatures appear while a secret is being rotated; one match is enough. The timestamp
 * bounds replays of a captured delivery to five minutes either side of now.
 */
final class Webhook
{
    public const TOLERANCE_SECONDS = 300;
    private const SECRET_PREFIX = 'whsec_';

    /**
     * Checks a delivery and returns its parsed body. Pass the raw body exactly as received
     * (`file_get_contents('php://input')`, Laravel's `$request->getContent()`), never a
     * re-encoded array: any change to the bytes breaks the signature. `$headers` is any array of
     * name => value (any case; `getallheaders()`, Laravel's `$request->headers->all()`, or
     * `$_SERVER` with its HTTP_WEBHOOK_ID names). Throws WebhookVerificationException (code
     * webhook_headers_missing, webhook_timestamp_invalid, webhook_timestamp_too_old,
     * webhook_timestamp_too_new or webhook_signature_invalid): answer 400 then.
     *
     * @param array<string, string|list<string>|null> $headers
     */
    public static function verify(
        string $rawBody,
        array $headers,
        string $secret,
        int $toleranceSeconds = self::TOLERANCE_SECONDS,
        ?int $now = null,
    ): WebhookEvent {
        $id = self::header($headers, 'webhook-id');
        $timestamp = self::header($headers, 'webhook-timestamp');
        $signatures = self::header($headers, 'webhook-signature');
        if ($id === null || $id === '' || $timestamp === null || $timestamp === '' || $signatures === null || $signatures === '') {
            throw new WebhookVerificationException('webhook_headers_missing', 'Missing webhook-id, webhook-timestamp or webhook-signature header');
        }
        if (preg_match('/^\d{1,12}$/', $timestamp) !== 1) {
            throw new WebhookVerificationException('webhook_timestamp_invalid', 'webhook-timestamp is not unix seconds');
        }
        $nowSeconds = $now ?? time();
        if ($nowSeconds - (int) $timestamp > $toleranceSeconds) {
            throw new WebhookVerificationException('webhook_timestamp_too_old', 'webhook-timestamp is too old');
        }
        if ((int) $timestamp - $nowSeconds > $toleranceSeconds) {
            throw new WebhookVerificationException('webhook_timestamp_too_new', 'webhook-timestamp is in the future');
        }

        $expected = hash_hmac('sha256', $id . '.' . $timestamp . '.' . $rawBody, self::secretKey($secret), true);
        $matched = false;
        foreach (explode(' ', $signatures) as $entry) {
            [$version, $signature] = array_pad(explode(',', $entry, 2), 2, '');
            if ($version !== 'v1' || $signature === '') {
                continue;
            }
            $given = base64_decode($signature, true);
            // Every entry is compared (no early exit), each in constant time.
            if ($given !== false && hash_equals($expected, $given)) {
                $matched = true;
            }
        }
        if (!$matched) {
            throw new WebhookVerificationException('webhook_signature_invalid', 'No webhook-signature matches this body and secret');
        }

        $event = json_decode($rawBody, true);
        return WebhookEvent::fromArray(is_array($event) ? $event : [], $id);
    }

    private static function secretKey(string $secret): string
    {
        $encoded = str_starts_with($secret, self::SECRET_PREFIX) ? substr($secret, strlen(self::SECRET_PREFIX)) : $secret;
        $key = base64_decode($encoded, true);
        if ($key === false || $key === '') {
            throw new \InvalidArgumentException('The webhook secret is empty or not base64 (expected whsec_...)');
        }
        return $key;
    }

    /** @param array<string, string|list<string>|null> $headers */
    private static function header(array $headers, string $name): ?string
    {
        $wanted = [$name, 'http_' . str_replace('-', '_', $name)];
        foreach ($headers as $key => $value) {
            if (in_array(strtolower((string) $key), $wanted, true)) {
                return is_array($value) ? implode(' ', $value) : ($value === null ? null : (string) $value);
            }
        }
        return null;
    }
}

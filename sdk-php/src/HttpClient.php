<?php

declare(strict_types=1);

namespace MpesaBridge;

/**
 * Signed HTTP calls (ext-curl) with bounded retries, the same rules as the TypeScript SDK
 * (sdk/src/http.ts). What may be retried is decided per call: a read can always be repeated; an
 * initiate only with its idempotency key, and only when the service cannot have acted on it in a
 * way a replay would not reproduce (no answer at all, or 429 from the rate limiter, which runs
 * before the handler). A 503 from initiate is not retried: the service stored that refusal under
 * the key and would replay it. Any other write is retried on 429 only: after no answer it may
 * have happened, and doing it twice is not the same as once.
 *
 * @internal
 */
final class HttpClient
{
    public const READ = 'read';
    public const IDEMPOTENT_WRITE = 'idempotent-write';
    public const WRITE = 'write';

    private const RETRY_BASE_DELAY = 0.5;
    private const RETRY_MAX_DELAY = 8.0;
    /** A Retry-After longer than this is the caller's decision, not a silent wait inside a call. */
    private const RETRY_AFTER_MAX = 20;
    private const READ_RETRY_STATUSES = [429, 500, 502, 503, 504];
    private const WRITE_RETRY_STATUSES = [429];
    private const SECONDS_REMEMBERED_MAX = 1000;

    private string $base;
    /** @var array<string, int> */
    private array $lastUsed = [];
    /** @var callable(): int */
    private $clock;
    /** @var callable(float): void */
    private $sleep;

    /**
     * @param callable(): int $clock
     * @param callable(float): void $sleep
     */
    public function __construct(
        string $baseUrl,
        private readonly string $publicKey,
        private readonly string $secretKey,
        private readonly float $timeout,
        private readonly int $maxRetries,
        callable $clock,
        callable $sleep,
    ) {
        $this->base = rtrim($baseUrl, '/');
        $this->clock = $clock;
        $this->sleep = $sleep;
    }

    /**
     * The status and decoded JSON body (arrays) of a successful answer; throws MpesaBridgeException otherwise.
     *
     * @param array<string, string|null> $query
     * @param array<string, string> $headers
     * @return array{0: int, 1: mixed}
     */
    public function request(string $method, string $path, string $retry, array $query = [], mixed $body = null, array $headers = []): array
    {
        $method = strtoupper($method);
        $params = array_filter($query, static fn ($value) => $value !== null);
        $pathWithQuery = $path . ($params === [] ? '' : '?' . http_build_query($params, '', '&', PHP_QUERY_RFC3986));
        $payload = $body === null ? '' : json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        // A POST is sent with an Idempotency-Key (the caller's, else a random one), so a refusal as
        // signature_replayed below can be answered by signing it again: see resignAllowed().
        if ($method === 'POST' && !self::hasHeader($headers, 'Idempotency-Key')) {
            $headers['Idempotency-Key'] = self::uuid4();
        }
        $retryStatuses = $retry === self::READ ? self::READ_RETRY_STATUSES : self::WRITE_RETRY_STATUSES;

        $signedAgain = false;
        for ($attempt = 0; ; $attempt++) {
            // A fresh timestamp and signature per attempt: a retry after a long Retry-After must not go stale.
            $signed = Signature::sign(
                $this->publicKey,
                $this->secretKey,
                $method,
                $pathWithQuery,
                $payload,
                $this->uniqueSecond($method . "\n" . $pathWithQuery . "\n" . $payload),
            );
            $allHeaders = ['Accept' => 'application/json', 'User-Agent' => 'mpesa-bridge-sdk-php/' . MpesaBridge::VERSION . ' php/' . PHP_VERSION];
            if ($payload !== '') {
                $allHeaders['Content-Type'] = 'application/json';
            }
            $allHeaders = array_merge($allHeaders, $signed, $headers);

            $answer = $this->send($method, $pathWithQuery, $payload, $allHeaders);
            if (is_string($answer)) {
                $error = new MpesaBridgeException('network_error', 'Could not reach mpesa-bridge: ' . $answer);
                if ($retry === self::WRITE) {
                    throw $error;
                }
            } else {
                [$status, $responseHeaders, $text] = $answer;
                if ($status === 204) {
                    return [$status, null];
                }
                $parsed = json_decode($text, true);
                $ok = json_last_error() === JSON_ERROR_NONE;
                if ($status >= 200 && $status < 300 && $ok) {
                    return [$status, $parsed];
                }
                $error = self::errorFromResponse($status, $responseHeaders, $ok ? $parsed : null);
                // Another client sent these very bytes this second and the service refused ours
                // before acting on it. Signed for the next second it is a request of its own: sent
                // again once, when that cannot do twice what the caller asked for once.
                if ($error->errorCode === 'signature_replayed' && !$signedAgain && self::resignAllowed($method, $headers)) {
                    $signedAgain = true;
                    $attempt--;
                    continue;
                }
                if (!in_array($status, $retryStatuses, true)) {
                    throw $error;
                }
            }
            $delay = self::retryDelay($attempt, $error->retryAfter);
            if ($attempt >= $this->maxRetries || $delay === null) {
                throw $error;
            }
            ($this->sleep)($delay);
        }
    }

    /**
     * @param array<string, string> $headers
     * @return array{0: int, 1: array<string, string>, 2: string}|string the answer, or why there was none
     */
    private function send(string $method, string $pathWithQuery, string $payload, array $headers): array|string
    {
        $responseHeaders = [];
        $handle = curl_init($this->base . $pathWithQuery);
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        curl_setopt_array($handle, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => (int) ($this->timeout * 1000),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$responseHeaders): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $responseHeaders[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            },
        ]);
        if ($payload !== '') {
            curl_setopt($handle, CURLOPT_POSTFIELDS, $payload);
        }
        $text = curl_exec($handle);
        if ($text === false) {
            $reason = curl_errno($handle) === CURLE_OPERATION_TIMEDOUT ? 'no answer within the timeout' : curl_error($handle);
            curl_close($handle);
            return $reason;
        }
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        curl_close($handle);
        return [$status, $responseHeaders, (string) $text];
    }

    /**
     * Now in unix seconds, unless the same request was already signed this second: then the next
     * free second (the service accepts a few minutes either side). The service refuses an exact
     * replay of a signed write, and two identical writes within one second would otherwise sign
     * byte for byte the same. Kept per client: two processes can still collide, which the re-sign
     * in request() answers.
     */
    private function uniqueSecond(string $content): int
    {
        $now = ($this->clock)();
        $last = $this->lastUsed[$content] ?? null;
        $seconds = $last !== null && $last >= $now ? $last + 1 : $now;
        if (count($this->lastUsed) >= self::SECONDS_REMEMBERED_MAX) {
            $this->lastUsed = array_filter($this->lastUsed, static fn (int $used) => $used >= $now);
        }
        $this->lastUsed[$content] = $seconds;
        return $seconds;
    }

    /**
     * A GET is a read; a write with an Idempotency-Key is answered from the service's store if it
     * did happen. Anything else (a PATCH or DELETE without a key) is the caller's to decide.
     *
     * @param array<string, string> $headers
     */
    private static function resignAllowed(string $method, array $headers): bool
    {
        return $method === 'GET' || self::hasHeader($headers, 'Idempotency-Key');
    }

    /** @param array<string, string> $headers */
    public static function hasHeader(array $headers, string $name): bool
    {
        foreach (array_keys($headers) as $key) {
            if (strcasecmp((string) $key, $name) === 0) {
                return true;
            }
        }
        return false;
    }

    /** @param array<string, string> $headers */
    private static function errorFromResponse(int $status, array $headers, mixed $parsed): MpesaBridgeException
    {
        $retryAfter = self::parseRetryAfter($headers['retry-after'] ?? null);
        $headerRequestId = $headers['x-request-id'] ?? null;
        $error = is_array($parsed) ? ($parsed['error'] ?? null) : null;
        if (!is_array($error) || !is_string($error['code'] ?? null) || !is_string($error['message'] ?? null)) {
            return new MpesaBridgeException('unexpected_response', "HTTP {$status} without an mpesa-bridge error body", $status, $headerRequestId, null, $retryAfter);
        }
        return new MpesaBridgeException(
            $error['code'],
            $error['message'],
            $status,
            is_string($error['requestId'] ?? null) ? $error['requestId'] : $headerRequestId,
            is_array($error['details'] ?? null) ? $error['details'] : null,
            $retryAfter,
        );
    }

    /** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
    private static function parseRetryAfter(?string $header): ?int
    {
        if ($header === null || trim($header) === '') {
            return null;
        }
        if (ctype_digit(trim($header))) {
            return (int) trim($header);
        }
        $date = strtotime($header);
        return $date === false ? null : max(0, $date - time());
    }

    /** Exponential backoff with jitter, or the server's Retry-After; null when that is too long to wait. */
    private static function retryDelay(int $attempt, ?int $retryAfter): ?float
    {
        if ($retryAfter !== null) {
            return $retryAfter > self::RETRY_AFTER_MAX ? null : (float) $retryAfter;
        }
        $ceiling = min(self::RETRY_MAX_DELAY, self::RETRY_BASE_DELAY * 2 ** $attempt);
        return $ceiling / 2 + (mt_rand() / mt_getrandmax()) * ($ceiling / 2);
    }

    public static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge;

use MpesaBridge\Resources\Events;
use MpesaBridge\Resources\MpesaAccounts;
use MpesaBridge\Resources\Payouts;
use MpesaBridge\Resources\Transactions;
use MpesaBridge\Resources\WebhookEndpoints;

/**
 * The one object a merchant backend holds, for one project in the mode of its keys
 * (pk_test_/sk_test_ or _live_). It keeps the secret key: servers only.
 */
final class MpesaBridge
{
    public const VERSION = '0.1.0';

    /** Payments: initiate, retrieve, list, reconcile, waitForResult. */
    public readonly Transactions $transactions;
    /** The same object under the name most M-Pesa libraries use. */
    public readonly Transactions $payments;
    /** Money out: payout batches (createBatch, getBatch, listBatches). */
    public readonly Payouts $payouts;
    public readonly WebhookEndpoints $webhookEndpoints;
    public readonly Events $events;
    public readonly MpesaAccounts $mpesaAccounts;
    private readonly HttpClient $http;

    /**
     * @param float $timeout per request, seconds (default 30, above the service's own 15 s Daraja timeout)
     * @param int $maxRetries retries where retrying is safe (default 2)
     * @param (callable(): int)|null $clock unix seconds; for tests
     * @param (callable(float): void)|null $sleep for tests
     */
    public function __construct(
        string $baseUrl,
        string $publicKey,
        #[\SensitiveParameter] string $secretKey,
        float $timeout = 30.0,
        int $maxRetries = 2,
        ?callable $clock = null,
        ?callable $sleep = null,
    ) {
        if ($baseUrl === '' || $publicKey === '' || $secretKey === '') {
            throw new \InvalidArgumentException('MpesaBridge needs baseUrl, publicKey and secretKey');
        }
        $sleep ??= static function (float $seconds): void {
            usleep((int) ($seconds * 1_000_000));
        };
        $this->http = new HttpClient($baseUrl, $publicKey, $secretKey, $timeout, $maxRetries, $clock ?? 'time', $sleep);
        $this->transactions = new Transactions($this->http, $sleep);
        $this->payments = $this->transactions;
        $this->payouts = new Payouts($this->http);
        $this->webhookEndpoints = new WebhookEndpoints($this->http);
        $this->events = new Events($this->http);
        $this->mpesaAccounts = new MpesaAccounts($this->http);
    }

    /**
     * A signed call to a route this version does not wrap yet: [status, decoded JSON body]. A GET
     * is retried like a read, a write only on 429 (or, carrying an Idempotency-Key, like an initiate).
     *
     * @param array<string, string|null> $query
     * @param array<string, string> $headers
     * @return array{0: int, 1: mixed}
     */
    public function request(string $method, string $path, array $query = [], mixed $body = null, array $headers = []): array
    {
        $method = strtoupper($method);
        $retry = $method === 'GET' ? HttpClient::READ : (HttpClient::hasHeader($headers, 'Idempotency-Key') ? HttpClient::IDEMPOTENT_WRITE : HttpClient::WRITE);
        return $this->http->request($method, $path, $retry, $query, $body, $headers);
    }
}

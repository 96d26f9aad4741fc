<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

use MpesaBridge\HttpClient;
use MpesaBridge\MpesaBridgeException;
use MpesaBridge\PagedList;
use MpesaBridge\Results\InitiateResult;
use MpesaBridge\Results\Page;
use MpesaBridge\Results\ReconcileResult;
use MpesaBridge\Results\TestOutcome;
use MpesaBridge\Results\Transaction;

/** Payments: initiate (STK Push), retrieve, list, reconcile, and waiting for the result. */
final class Transactions
{
    /** @var callable(float): void */
    private $sleep;

    /** @param callable(float): void $sleep */
    public function __construct(private readonly HttpClient $http, callable $sleep)
    {
        $this->sleep = $sleep;
    }

    /**
     * Sends an STK Push prompt to the customer's phone. `$idempotencyKey` makes the call safe to
     * repeat (the same key and body give the first answer again, never a second prompt): use your
     * order id, so a retry after a crash is safe too. A random one is used when null and returned.
     *
     * @param array<string, mixed>|null $metadata any JSON object up to 2 KB, returned as given
     */
    public function initiate(
        string $phone,
        int $amount,
        string $accountReference,
        ?string $description = null,
        ?string $channel = null,
        ?string $account = null,
        ?array $metadata = null,
        ?string $idempotencyKey = null,
    ): InitiateResult {
        $body = Body::of(compact('phone', 'amount', 'accountReference', 'description', 'channel', 'account', 'metadata'));
        return $this->start('/api/v1/transactions/initiate', $body, $idempotencyKey);
    }

    /**
     * Test keys: a payment whose simulated customer does what `$outcome` names (`paid`,
     * `cancelled`, `insufficient-funds`, ...; see testOutcomes()).
     *
     * @param array<string, mixed>|null $metadata
     */
    public function initiateTest(
        string $outcome,
        ?int $amount = null,
        ?string $accountReference = null,
        ?string $description = null,
        ?string $channel = null,
        ?string $account = null,
        ?array $metadata = null,
        ?string $idempotencyKey = null,
    ): InitiateResult {
        $body = Body::of(compact('outcome', 'amount', 'accountReference', 'description', 'channel', 'account', 'metadata'));
        return $this->start('/api/v1/test-payments', $body, $idempotencyKey);
    }

    /** @return list<TestOutcome> */
    public function testOutcomes(): array
    {
        [, $body] = $this->http->request('GET', '/api/v1/test-payments/outcomes', HttpClient::READ);
        return array_map(static fn (array $item) => new TestOutcome((string) $item['name'], (string) $item['summary']), $body['data']);
    }

    public function retrieve(string $id): Transaction
    {
        [, $body] = $this->http->request('GET', '/api/v1/transactions/' . rawurlencode($id), HttpClient::READ);
        return Transaction::fromArray($body['transaction']);
    }

    /**
     * Newest first: `foreach` for every payment of every page, or ->firstPage().
     * `$from` / `$to` are inclusive bounds on createdAt.
     *
     * @return PagedList<Transaction>
     */
    public function list(
        ?string $status = null,
        ?string $phone = null,
        ?string $accountReference = null,
        ?string $receipt = null,
        \DateTimeInterface|string|null $from = null,
        \DateTimeInterface|string|null $to = null,
        ?int $limit = null,
        ?string $cursor = null,
    ): PagedList {
        $query = [
            'status' => $status,
            'phone' => $phone,
            'accountReference' => $accountReference,
            'receipt' => $receipt,
            'from' => Body::instant($from),
            'to' => Body::instant($to),
            'limit' => $limit === null ? null : (string) $limit,
        ];
        return new PagedList(function (?string $pageCursor) use ($query): Page {
            [, $body] = $this->http->request('GET', '/api/v1/transactions', HttpClient::READ, $query + ['cursor' => $pageCursor]);
            return new Page(array_map([Transaction::class, 'fromArray'], $body['data']), $body['nextCursor'] ?? null);
        }, $cursor);
    }

    /** Asks M-Pesa now (STK Query) about a payment still pending; `outcome` says what happened. */
    public function reconcile(string $id): ReconcileResult
    {
        // Not retried after a lost answer: the repeat would report already_final for a payment this call settled.
        [, $body] = $this->http->request('POST', '/api/v1/transactions/' . rawurlencode($id) . '/reconcile', HttpClient::WRITE);
        return ReconcileResult::fromArray($body);
    }

    /**
     * Polls until the payment is completed, failed, cancelled or expired. Throws
     * MpesaBridgeException with code `wait_timeout` (details: lastStatus) when $timeout seconds pass
     * first. (The TypeScript SDK can follow the payment over Socket.io; polling keeps this SDK dependency-free.)
     *
     * @param (callable(string): void)|null $onStatus told each status, once per change
     */
    public function waitForResult(string $id, float $timeout = 120.0, float $pollInterval = 2.0, ?callable $onStatus = null): Transaction
    {
        $deadline = microtime(true) + $timeout;
        $lastStatus = null;
        while (true) {
            $transaction = $this->retrieve($id);
            if ($transaction->status !== $lastStatus) {
                $lastStatus = $transaction->status;
                if ($onStatus !== null) {
                    $onStatus($lastStatus);
                }
            }
            if ($transaction->isSettled()) {
                return $transaction;
            }
            $remaining = $deadline - microtime(true);
            if ($remaining <= 0) {
                throw new MpesaBridgeException(
                    'wait_timeout',
                    "Transaction {$id} did not reach a final status within {$timeout} s (last status: {$lastStatus})",
                    details: ['transactionId' => $id, 'lastStatus' => $lastStatus],
                );
            }
            ($this->sleep)(min($pollInterval, $remaining));
        }
    }

    /** @param array<string, mixed>|\stdClass $body */
    private function start(string $path, array|\stdClass $body, ?string $idempotencyKey): InitiateResult
    {
        $key = $idempotencyKey ?? HttpClient::uuid4();
        [$status, $answer] = $this->http->request('POST', $path, HttpClient::IDEMPOTENT_WRITE, [], $body, ['Idempotency-Key' => $key]);
        return new InitiateResult(
            Transaction::fromArray($answer['transaction']),
            (string) $answer['clientSecret'],
            $key,
            $status === 202 ? 'unknown' : 'accepted',
        );
    }
}

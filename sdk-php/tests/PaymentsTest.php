<?php

declare(strict_types=1);

namespace MpesaBridge\Tests;

use MpesaBridge\MpesaBridge;
use MpesaBridge\MpesaBridgeException;
use MpesaBridge\Results\Transaction;
use MpesaBridge\Signature;
use MpesaBridge\Tests\Support\Service;
use PHPUnit\Framework\TestCase;

/**
 * Payments through the PHP SDK against the real service (simulator mode): initiate, wait for the
 * result, retrieve, list with auto-pagination, reconcile, and the errors a merchant meets.
 */
final class PaymentsTest extends TestCase
{
    private static MpesaBridge $client;

    public static function setUpBeforeClass(): void
    {
        self::$client = Service::newClient();
    }

    private static function reference(): string
    {
        return 'INV' . strtoupper(bin2hex(random_bytes(4)));
    }

    /** @param callable(): mixed $call */
    private static function failure(callable $call): MpesaBridgeException
    {
        try {
            $call();
        } catch (MpesaBridgeException $error) {
            return $error;
        }
        self::fail('Expected an MpesaBridgeException');
    }

    public function testWhenSigningThenTheHmacIsTheDocumentedOne(): void
    {
        // Expected value: Node's crypto over the string docs/api.md "Signing requests" describes.
        $this->assertSame(
            ['X-Api-Key' => 'pk_x', 'X-Timestamp' => '1700000000', 'X-Signature' => '31801e2b0b513ffd8702df6627864bfff7abcb9075a12b4491927dbf4f46106c'],
            Signature::sign('pk_x', 'sk_test_vector', 'post', '/api/v1/transactions/initiate?x=1', '{"a":1}', 1700000000),
        );
    }

    public function testWhenTheSecretKeyIsWrongThenSignatureInvalidWithStatusAndRequestId(): void
    {
        $keys = Service::newProject();
        $client = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], 'sk_wrong');
        $error = self::failure(fn () => $client->transactions->retrieve('txn_x'));
        $this->assertSame(['signature_invalid', 401], [$error->errorCode, $error->status]);
        $this->assertMatchesRegularExpression('/^req_/', (string) $error->requestId);
    }

    public function testWhenTheServiceIsUnreachableThenNetworkError(): void
    {
        $client = new MpesaBridge('http://127.0.0.1:9', 'pk_test_x', 'sk_test_x', maxRetries: 0);
        $error = self::failure(fn () => $client->transactions->retrieve('txn_x'));
        $this->assertSame('network_error', $error->errorCode);
        $this->assertNull($error->status);
    }

    public function testWhenAPaymentIsInitiatedThenTheSimulatorCompletesItAndRetrieveShowsIt(): void
    {
        $reference = self::reference();
        $started = self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: $reference, metadata: ['orderId' => 42]);
        $this->assertSame('pending', $started->transaction->status);
        $this->assertSame('accepted', $started->push);
        $this->assertNotSame('', $started->clientSecret);

        $seen = [];
        $final = self::$client->transactions->waitForResult($started->transaction->id, timeout: 20, pollInterval: 0.1, onStatus: function (string $status) use (&$seen): void {
            $seen[] = $status;
        });
        $this->assertSame('completed', $final->status);
        $this->assertSame('completed', end($seen));
        $this->assertNotEmpty($final->mpesaReceiptNumber);
        $this->assertSame(10, $final->amountPaid);
        $this->assertTrue($final->amountVerified);

        $again = self::$client->payments->retrieve($started->transaction->id);
        $this->assertSame(['completed', $reference, '254712345678', ['orderId' => 42]], [$again->status, $again->accountReference, $again->phone, $again->metadata]);
        $this->assertSame($final->mpesaReceiptNumber, $again->mpesaReceiptNumber);
        // Its own receipt: no other payment holds it, and the service says so (null, not missing).
        $this->assertArrayHasKey('paidAs', $again->raw);
        $this->assertNull($again->paidAs);
    }

    public function testWhenARequestIsLinkedToAWalkInPaymentThenPaidAsNamesIt(): void
    {
        // The JSON of a linked request as the service sends it (docs/c2b.md "One receipt, one payment").
        $linked = Transaction::fromArray([
            'id' => 'txn_request',
            'status' => 'pending',
            'amount' => 250,
            'phone' => '254712345678',
            'createdAt' => '2026-03-01T10:00:00.000Z',
            'updatedAt' => '2026-03-01T10:01:00.000Z',
            'paidAs' => 'txn_walkin',
        ]);
        $this->assertSame('txn_walkin', $linked->paidAs);
        // Never final, yet settled: waitForResult() returns it instead of waiting out its timeout.
        $this->assertFalse($linked->isFinal());
        $this->assertTrue($linked->isSettled());
    }

    public function testWhenTheCustomerCancelsThenTheResultIsCancelledWithAFailure(): void
    {
        $started = self::$client->transactions->initiateTest(outcome: 'cancelled');
        $final = self::$client->transactions->waitForResult($started->transaction->id, timeout: 20, pollInterval: 0.1);
        $this->assertSame('cancelled', $final->status);
        $this->assertSame('cancelled_by_customer', $final->failure?->code);
    }

    public function testWhenTheSameIdempotencyKeyIsSentTwiceThenOnePayment(): void
    {
        $key = 'order-' . bin2hex(random_bytes(8));
        $reference = self::reference();
        $first = self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: $reference, idempotencyKey: $key);
        $second = self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: $reference, idempotencyKey: $key);
        $this->assertSame($first->transaction->id, $second->transaction->id);
        $this->assertSame($key, $second->idempotencyKey);
        $ids = array_map(fn ($t) => $t->id, self::$client->transactions->list(accountReference: $reference)->all());
        $this->assertSame([$first->transaction->id], $ids);
    }

    public function testWhenTheSameKeyComesWithAnotherBodyThenIdempotencyKeyReused(): void
    {
        $key = 'order-' . bin2hex(random_bytes(8));
        self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: 'A1', idempotencyKey: $key);
        $error = self::failure(fn () => self::$client->transactions->initiate(phone: '0712345678', amount: 11, accountReference: 'A1', idempotencyKey: $key));
        $this->assertSame(['idempotency_key_reused', 409], [$error->errorCode, $error->status]);
    }

    public function testWhenNoKeyIsGivenThenEachCallIsAPaymentOfItsOwn(): void
    {
        $a = self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: 'A2');
        $b = self::$client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: 'A2');
        $this->assertNotSame($a->idempotencyKey, $b->idempotencyKey);
        $this->assertNotSame($a->transaction->id, $b->transaction->id);
    }

    public function testWhenTheAmountIsInvalidThenValidationFailedNamesTheField(): void
    {
        $error = self::failure(fn () => self::$client->transactions->initiate(phone: '0712345678', amount: 0, accountReference: 'A3'));
        $this->assertSame(['validation_failed', 400], [$error->errorCode, $error->status]);
        $this->assertMatchesRegularExpression('/^req_/', (string) $error->requestId);
        $this->assertStringContainsString('amount', json_encode($error->details));
    }

    public function testWhenTheIdIsUnknownThenTransactionNotFound(): void
    {
        $error = self::failure(fn () => self::$client->transactions->retrieve('txn_doesnotexist'));
        $this->assertSame(['transaction_not_found', 404], [$error->errorCode, $error->status]);
    }

    public function testWhenASettledPaymentIsReconciledThenAlreadyFinal(): void
    {
        $started = self::$client->transactions->initiateTest(outcome: 'paid');
        self::$client->transactions->waitForResult($started->transaction->id, timeout: 20, pollInterval: 0.1);
        $result = self::$client->transactions->reconcile($started->transaction->id);
        $this->assertSame(['already_final', 'completed'], [$result->outcome, $result->transaction->status]);
    }

    public function testWhenListingByReferenceWithSmallPagesThenIterationWalksEveryPage(): void
    {
        $client = Service::newClient();
        $reference = self::reference();
        $created = [];
        for ($i = 0; $i < 3; $i++) {
            $created[] = $client->transactions->initiate(phone: '0712345678', amount: 10 + $i, accountReference: $reference)->transaction->id;
        }
        $client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: 'OTHER');

        $pages = iterator_to_array($client->transactions->list(accountReference: $reference, limit: 2)->pages(), false);
        $this->assertSame([2, 1], array_map(fn ($page) => count($page->data), $pages));
        $this->assertNull(end($pages)->nextCursor);
        $ids = [];
        foreach ($client->transactions->list(accountReference: $reference, limit: 1) as $transaction) {
            $ids[] = $transaction->id;
        }
        $this->assertSame(array_reverse($created), $ids); // newest first
        $this->assertCount(2, $client->transactions->list(accountReference: $reference, limit: 1)->all(max: 2));
    }

    public function testWhenFilteringByTimeAndPhoneFormThenTheQueryIsSignedAsSent(): void
    {
        $client = Service::newClient();
        $started = $client->transactions->initiate(phone: '0712345678', amount: 10, accountReference: 'T1');
        $page = $client->transactions->list(
            phone: '+254 712 345 678',
            from: new \DateTimeImmutable('2020-01-01T00:00:00+03:00'),
            to: '2100-01-01T00:00:00Z',
        )->firstPage();
        $this->assertSame([$started->transaction->id], array_map(fn ($t) => $t->id, $page->data));
    }

    public function testWhenAProjectSendsPastItsLimitThenRateLimitedWithRetryAfter(): void
    {
        $client = Service::newClient(maxRetries: 0);
        $limit = (int) Service::info()['rateLimitMax'];
        $error = self::failure(function () use ($client, $limit): void {
            for ($i = 0; $i <= $limit; $i++) {
                $client->transactions->list(limit: 1)->firstPage();
            }
        });
        $this->assertSame(['rate_limited', 429], [$error->errorCode, $error->status]);
        $this->assertGreaterThan(0, $error->retryAfter);
    }

    public function testWhenNoAnswerComesThenAReadIsRetriedAndACreateIsNot(): void
    {
        $waits = [];
        $client = new MpesaBridge('http://127.0.0.1:9', 'pk_test_x', 'sk_test_x', maxRetries: 2, sleep: function (float $seconds) use (&$waits): void {
            $waits[] = $seconds;
        });
        self::failure(fn () => $client->transactions->retrieve('txn_x'));
        $this->assertCount(2, $waits);
        $waits = [];
        $error = self::failure(fn () => $client->webhookEndpoints->create(url: 'http://127.0.0.1:9/hooks'));
        $this->assertSame(['network_error', []], [$error->errorCode, $waits]);
    }

    public function testWhenRateLimitedForLongerThan20SecondsThenTheErrorComesAtOnce(): void
    {
        $keys = Service::newProject();
        $waits = [];
        $client = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey'], maxRetries: 2, sleep: function (float $seconds) use (&$waits): void {
            $waits[] = $seconds;
        });
        $limit = (int) Service::info()['rateLimitMax'];
        $error = self::failure(function () use ($client, $limit): void {
            for ($i = 0; $i <= $limit; $i++) {
                $client->transactions->list(limit: 1)->firstPage();
            }
        });
        $this->assertSame('rate_limited', $error->errorCode);
        $this->assertGreaterThan(20, $error->retryAfter);
        $this->assertSame([], $waits);
    }

    /**
     * Two processes sending the same signed bytes in the same second: the service refuses the
     * second as signature_replayed. Two clients on one fixed clock play the two processes.
     */
    public function testWhenACreateIsRefusedAsReplayedThenItIsSignedAnewAndSentOnceMore(): void
    {
        $keys = Service::newProject();
        $second = time();
        $first = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey'], clock: fn () => $second);
        $other = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey'], clock: fn () => $second);
        $a = $first->webhookEndpoints->create(url: 'http://127.0.0.1:9/hooks', description: 'same bytes');
        $b = $other->webhookEndpoints->create(url: 'http://127.0.0.1:9/hooks', description: 'same bytes');
        $this->assertNotSame($a->endpoint->id, $b->endpoint->id);
        $this->assertCount(2, $first->webhookEndpoints->list());
    }

    public function testWhenAWriteWithoutIdempotencyKeyIsRefusedAsReplayedThenItIsNotResent(): void
    {
        $keys = Service::newProject();
        $second = time();
        $first = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey'], clock: fn () => $second);
        $other = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey'], clock: fn () => $second);
        $endpoint = $first->webhookEndpoints->create(url: 'http://127.0.0.1:9/hooks')->endpoint;
        $first->webhookEndpoints->update($endpoint->id, ['description' => 'v2']);
        $error = self::failure(fn () => $other->webhookEndpoints->update($endpoint->id, ['description' => 'v2']));
        $this->assertSame(['signature_replayed', 401], [$error->errorCode, $error->status]);
    }
}

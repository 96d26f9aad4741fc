<?php

declare(strict_types=1);

namespace MpesaBridge\Tests;

use MpesaBridge\MpesaBridge;
use MpesaBridge\Tests\Support\Receiver;
use MpesaBridge\Tests\Support\Service;
use MpesaBridge\Webhook;
use MpesaBridge\WebhookVerificationException;
use PHPUnit\Framework\TestCase;

/**
 * Webhooks through the PHP SDK: the service delivers to a local receiver (PHP's built-in server)
 * and Webhook::verify() accepts what it signed; anything changed or stale is refused with a code.
 */
final class WebhooksTest extends TestCase
{
    // The Standard Webhooks spec's own example (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md).
    private const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    private const SPEC_HEADERS = [
        'webhook-id' => 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp' => '1614265330',
        'webhook-signature' => 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    ];
    private const SPEC_BODY = '{"test": 2432232314}';

    private static MpesaBridge $client;
    private static Receiver $receiver;

    public static function setUpBeforeClass(): void
    {
        self::$client = Service::newClient();
        self::$receiver = new Receiver();
    }

    public static function tearDownAfterClass(): void
    {
        self::$receiver->close();
    }

    /** @param array<string, mixed> $headers */
    private static function refusal(string $body, array $headers, string $secret, ?int $now = null): string
    {
        try {
            Webhook::verify($body, $headers, $secret, now: $now);
        } catch (WebhookVerificationException $error) {
            return $error->errorCode;
        }
        self::fail('Expected a WebhookVerificationException');
    }

    public function testWhenGivenTheSpecsExampleThenItVerifies(): void
    {
        $event = Webhook::verify(self::SPEC_BODY, self::SPEC_HEADERS, self::SPEC_SECRET, now: 1614265330);
        $this->assertSame('msg_p5jXN8AQM9LWM0D4loKWxJek', $event->id);
    }

    public function testWhenOneOfSeveralSignaturesMatchesThenItVerifies(): void
    {
        $headers = ['Webhook-Signature' => 'v1,bm90IGl0 v2,abc ' . self::SPEC_HEADERS['webhook-signature']] + self::SPEC_HEADERS;
        unset($headers['webhook-signature']);
        $this->assertSame('msg_p5jXN8AQM9LWM0D4loKWxJek', Webhook::verify(self::SPEC_BODY, $headers, self::SPEC_SECRET, now: 1614265330)->id);
    }

    public function testWhenTheTimestampIsOutsideTheToleranceThenTooOldOrTooNew(): void
    {
        $this->assertSame('webhook_timestamp_too_old', self::refusal(self::SPEC_BODY, self::SPEC_HEADERS, self::SPEC_SECRET, 1614265330 + 301));
        $this->assertSame('webhook_timestamp_too_new', self::refusal(self::SPEC_BODY, self::SPEC_HEADERS, self::SPEC_SECRET, 1614265330 - 301));
    }

    public function testWhenHeadersAreMissingOrTheTimestampIsNotSecondsThenRefused(): void
    {
        $this->assertSame('webhook_headers_missing', self::refusal(self::SPEC_BODY, ['webhook-id' => 'x'], self::SPEC_SECRET));
        $this->assertSame('webhook_timestamp_invalid', self::refusal(self::SPEC_BODY, ['webhook-timestamp' => 'soon'] + self::SPEC_HEADERS, self::SPEC_SECRET));
    }

    public function testWhenServerVariablesAreGivenThenTheyAreRead(): void
    {
        $server = [];
        foreach (self::SPEC_HEADERS as $name => $value) {
            $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
        }
        $this->assertSame('msg_p5jXN8AQM9LWM0D4loKWxJek', Webhook::verify(self::SPEC_BODY, $server, self::SPEC_SECRET, now: 1614265330)->id);
    }

    public function testWhenAPaymentCompletesThenTheDeliveryVerifiesAndMatchesTheEventLog(): void
    {
        $created = self::$client->webhookEndpoints->create(url: self::$receiver->url, description: 'php receiver', eventTypes: ['transaction.completed']);
        $this->assertStringStartsWith('whsec_', $created->secret);
        $this->assertSame(['transaction.completed'], $created->endpoint->eventTypes);
        try {
            $started = self::$client->transactions->initiateTest(outcome: 'paid', amount: 25);
            [$body, $headers] = self::$receiver->next(fn (array $event) => ($event['type'] ?? '') === 'transaction.completed'
                && ($event['data']['transaction']['id'] ?? '') === $started->transaction->id);

            $event = Webhook::verify($body, $headers, $created->secret);
            $this->assertSame('transaction.completed', $event->type);
            $this->assertSame(array_change_key_case($headers)['webhook-id'], $event->id);
            $transaction = $event->transaction();
            $this->assertSame([$started->transaction->id, 'completed', 25], [$transaction?->id, $transaction?->status, $transaction?->amount]);

            $this->assertSame('webhook_signature_invalid', self::refusal($body, $headers, 'whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB'));
            $this->assertSame('webhook_signature_invalid', self::refusal(str_replace('"amount":25', '"amount":2500', $body), $headers, $created->secret));

            $logged = self::$client->events->list(type: 'transaction.completed', transactionId: $started->transaction->id)->all();
            $this->assertSame([$event->id], array_map(fn ($e) => $e->id, $logged));
            $detail = self::$client->events->retrieve($event->id);
            $this->assertSame($created->endpoint->id, $detail->deliveries[0]->endpointId);
            $this->assertNotEmpty($detail->deliveries[0]->attemptLog);
        } finally {
            self::$client->webhookEndpoints->delete($created->endpoint->id);
        }
    }

    public function testWhenTheSecretIsRotatedThenDeliveriesVerifyWithTheOldAndTheNew(): void
    {
        $created = self::$client->webhookEndpoints->create(url: self::$receiver->url, eventTypes: ['transaction.failed']);
        try {
            $rotated = self::$client->webhookEndpoints->rotateSecret($created->endpoint->id, overlapSeconds: 3600);
            $this->assertNotSame($created->secret, $rotated->secret);
            $this->assertNotNull($rotated->endpoint->previousSecretExpiresAt);

            $started = self::$client->transactions->initiateTest(outcome: 'insufficient-funds');
            [$body, $headers] = self::$receiver->next(fn (array $event) => ($event['type'] ?? '') === 'transaction.failed'
                && ($event['data']['transaction']['id'] ?? '') === $started->transaction->id);
            $this->assertCount(2, explode(' ', array_change_key_case($headers)['webhook-signature']));
            $this->assertSame('transaction.failed', Webhook::verify($body, $headers, $rotated->secret)->type);
            $this->assertSame('transaction.failed', Webhook::verify($body, $headers, $created->secret)->type);
        } finally {
            self::$client->webhookEndpoints->delete($created->endpoint->id);
        }
    }

    public function testWhenAnEndpointIsUpdatedAndDeletedThenTheListFollows(): void
    {
        $created = self::$client->webhookEndpoints->create(url: self::$receiver->url, enabled: false);
        $updated = self::$client->webhookEndpoints->update($created->endpoint->id, ['description' => 'renamed', 'enabled' => true]);
        $this->assertSame(['renamed', true], [$updated->description, $updated->enabled]);
        $cleared = self::$client->webhookEndpoints->update($created->endpoint->id, ['description' => null]);
        $this->assertNull($cleared->description);
        self::$client->webhookEndpoints->delete($created->endpoint->id);
        $this->assertNotContains($created->endpoint->id, array_map(fn ($e) => $e->id, self::$client->webhookEndpoints->list()));
    }
}

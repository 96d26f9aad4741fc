<?php

declare(strict_types=1);

namespace MpesaBridge\Tests;

use MpesaBridge\MpesaBridge;
use MpesaBridge\MpesaBridgeException;
use MpesaBridge\Results\PayoutBatchDetail;
use MpesaBridge\Signature;
use MpesaBridge\Tests\Support\DashboardSession;
use MpesaBridge\Tests\Support\Service;
use PHPUnit\Framework\TestCase;

/**
 * Payout batches through the PHP SDK against the real service (simulator mode): a batch refused
 * whole for one bad row, previewed, created from rows and from a CSV, rejected and approved by a
 * dashboard user (never by the key), read back, listed and exported.
 */
final class PayoutsTest extends TestCase
{
    private const INITIATOR_PASSWORD = 'Sim-Initiator-Pass#9f3a7c';
    private const ROWS = [
        ['phone' => '0708374149', 'amount' => 100, 'remarks' => 'Bonus'],
        ['phone' => '0700000202', 'amount' => 200, 'remarks' => 'Bonus'],
    ];

    /**
     * A fresh project whose test mode pays out through a simulator account with an initiator, with
     * payouts turned on by the operator under `$approval`.
     *
     * @return array{0: MpesaBridge, 1: array{publicKey: string, secretKey: string}, 2: string}
     */
    private static function payoutProject(string $approval): array
    {
        $created = Service::admin('POST', '/api/v1/projects', ['name' => 'PHP payout shop']);
        $projectId = (string) $created['project']['id'];
        $keys = ['publicKey' => (string) $created['project']['keys']['test']['publicKey'], 'secretKey' => (string) $created['secretKeys']['test']];
        Service::admin('PUT', "/api/v1/projects/{$projectId}/payout-settings", [
            'mode' => 'test', 'enabled' => true, 'perPayoutMax' => 250_000, 'dailyMax' => 10_000_000, 'approval' => $approval,
        ]);
        $client = new MpesaBridge(Service::info()['baseUrl'], $keys['publicKey'], $keys['secretKey']);
        // The SDK's mpesaAccounts->create has no initiator password yet: the signed call for a route it does not wrap.
        [$status] = $client->request('POST', '/api/v1/mpesa-accounts', body: [
            'name' => 'B2C',
            'environment' => 'simulator',
            'consumerKey' => 'ck_' . bin2hex(random_bytes(5)),
            'consumerSecret' => 'cs_' . bin2hex(random_bytes(6)),
            'shortcode' => '600705',
            'passkey' => 'passkey-' . bin2hex(random_bytes(6)),
            'initiatorName' => 'testapi',
            'initiatorPassword' => self::INITIATOR_PASSWORD,
        ]);
        self::assertSame(201, $status);
        return [$client, $keys, $projectId];
    }

    /**
     * A signed GET read as text (the SDK reads JSON only): its Content-Type and body.
     *
     * @param array{publicKey: string, secretKey: string} $keys
     * @return array{0: string, 1: string}
     */
    private static function signedCsv(array $keys, string $pathWithQuery): array
    {
        $headers = Signature::sign($keys['publicKey'], $keys['secretKey'], 'GET', $pathWithQuery, '', time());
        $handle = curl_init(Service::info()['baseUrl'] . $pathWithQuery);
        curl_setopt_array($handle, [
            CURLOPT_HTTPHEADER => array_map(static fn (string $name, string $value) => "{$name}: {$value}", array_keys($headers), $headers),
            CURLOPT_RETURNTRANSFER => true,
        ]);
        $text = (string) curl_exec($handle);
        $type = (string) curl_getinfo($handle, CURLINFO_CONTENT_TYPE);
        self::assertSame(200, curl_getinfo($handle, CURLINFO_RESPONSE_CODE), $text);
        curl_close($handle);
        return [$type, $text];
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

    private static function settled(PayoutBatchDetail $detail): bool
    {
        foreach (['awaiting_approval', 'requested', 'submitted', 'unknown'] as $waiting) {
            if (($detail->batch->counts[$waiting] ?? 0) > 0) {
                return false;
            }
        }
        return $detail->batch->status === 'sent';
    }

    public function testWhenABatchIsRejectedThenNoRowIsSentAndGetListAndExportShowIt(): void
    {
        [$client, $keys, $projectId] = self::payoutProject('all');

        $error = self::failure(fn () => $client->payouts->createBatch(csv: "phone,amount\n0708374149,100\n0708374149,ten\n"));
        $this->assertSame(['payout_batch_invalid', 422], [$error->errorCode, $error->status]);
        $bad = $error->details['rows'];
        $this->assertSame([3], array_column($bad, 'line'));
        $this->assertSame(['amount'], array_column($bad[0]['fields'], 'field'));

        // Preview: the TypeScript SDK wraps no preview, so neither does this one; the signed call does.
        [$status, $preview] = $client->request('POST', '/api/v1/payout-batches/preview', body: ['rows' => self::ROWS]);
        $this->assertSame(200, $status);
        $this->assertSame([2, 0, 300, true], [$preview['rowCount'], $preview['badRows'], $preview['total'], $preview['approvalRequired']]);
        $this->assertSame([], $client->payouts->listBatches()->all());

        $key = 'bonus-' . bin2hex(random_bytes(8));
        $created = $client->payouts->createBatch(rows: self::ROWS, idempotencyKey: $key);
        $batch = $created->batch;
        $this->assertMatchesRegularExpression('/^pob_/', $batch->id);
        $this->assertSame(['awaiting_approval', 2, 300], [$batch->status, $batch->rowCount, $batch->total]);
        $this->assertSame(['awaiting_approval' => 2], $batch->counts);
        $this->assertMatchesRegularExpression('/^key:pk_test_/', $batch->requestedBy);
        $this->assertNotNull($batch->approval);
        $this->assertNull($batch->approval->decision);
        $this->assertSame($key, $created->idempotencyKey);
        $this->assertSame(
            [[1, '254708374149', 100], [2, '254700000202', 200]],
            array_map(static fn ($row) => [$row->line, $row->payout->phone, $row->payout->amount], $created->rows),
        );
        $this->assertSame(['id' => $batch->id, 'line' => 1], $created->rows[0]->payout->batch);
        $this->assertSame($batch->id, $client->payouts->createBatch(rows: self::ROWS, idempotencyKey: $key)->batch->id);

        // The key cannot decide its own batch: the route takes a dashboard session only.
        $refused = self::failure(fn () => $client->request('POST', "/api/v1/payout-batches/{$batch->id}/reject", body: new \stdClass()));
        $this->assertSame(401, $refused->status);

        [$decided] = (new DashboardSession($projectId))->post("/api/v1/payout-batches/{$batch->id}/reject", ['note' => 'Wrong month']);
        $this->assertSame(200, $decided);
        $rejected = $client->payouts->getBatch($batch->id);
        $this->assertSame(['rejected', ['failed' => 2]], [$rejected->batch->status, $rejected->batch->counts]);
        $this->assertSame('rejected', $rejected->batch->approval?->decision);
        $this->assertMatchesRegularExpression('/^user:usr_/', (string) $rejected->batch->approval?->decidedBy);
        foreach ($rejected->rows as $row) {
            $this->assertSame(['failed', 'approval_rejected'], [$row->payout->status, $row->payout->reason?->code]);
        }

        $this->assertSame([$batch->id], array_map(static fn ($listed) => $listed->id, $client->payouts->listBatches()->all()));

        [$type, $csv] = self::signedCsv($keys, "/api/v1/payout-batches/{$batch->id}?format=csv");
        $this->assertStringStartsWith('text/csv', $type);
        $lines = explode("\r\n", trim($csv));
        $this->assertSame(['line', 'payoutId', 'phone', 'paybill', 'till', 'amount', 'status'], array_slice(explode(',', $lines[0]), 0, 7));
        $this->assertSame(['1', '2'], array_map(static fn ($line) => explode(',', $line)[0], array_slice($lines, 1)));
        foreach (array_slice($lines, 1) as $line) {
            $this->assertStringContainsString(',failed,', $line);
            $this->assertStringContainsString('approval_rejected', $line);
        }
    }

    public function testWhenACsvBatchIsApprovedThenItIsSentAndListedNewestFirst(): void
    {
        [$client, , $projectId] = self::payoutProject('all');
        $first = $client->payouts->createBatch(rows: self::ROWS);
        $second = $client->payouts->createBatch(csv: "phone,amount,remarks\n0708374149,150,March\n0708374149,250,March\n");
        $this->assertSame([2, 400], [$second->batch->rowCount, $second->batch->total]);
        $this->assertNotSame($first->idempotencyKey, $second->idempotencyKey);

        [$decided] = (new DashboardSession($projectId))->post("/api/v1/payout-batches/{$second->batch->id}/approve", ['note' => 'Checked']);
        $this->assertSame(200, $decided);
        $approved = $client->payouts->getBatch($second->batch->id);
        $this->assertSame('approved', $approved->batch->approval?->decision);
        // Its rows go one at a time at the deployment's pace, each to the simulator once.
        $deadline = microtime(true) + 20;
        while (!self::settled($approved) && microtime(true) < $deadline) {
            usleep(100_000);
            $approved = $client->payouts->getBatch($second->batch->id);
        }
        $this->assertSame(['sent', ['succeeded' => 2]], [$approved->batch->status, $approved->batch->counts]);
        foreach ($approved->rows as $row) {
            $this->assertNotNull($row->payout->mpesaReceiptNumber);
        }
        $this->assertSame('awaiting_approval', $client->payouts->getBatch($first->batch->id)->batch->status);

        $page = $client->payouts->listBatches()->firstPage();
        $this->assertSame([$second->batch->id, $first->batch->id], array_map(static fn ($listed) => $listed->id, $page->data));
        $this->assertNull($page->nextCursor);
    }

    public function testWhenTheBatchIdIsUnknownThenPayoutBatchNotFound(): void
    {
        [$client] = self::payoutProject('none');
        $error = self::failure(fn () => $client->payouts->getBatch('pob_doesnotexist'));
        $this->assertSame(['payout_batch_not_found', 404], [$error->errorCode, $error->status]);
    }
}

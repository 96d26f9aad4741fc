<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

use MpesaBridge\HttpClient;
use MpesaBridge\PagedList;
use MpesaBridge\Results\Page;
use MpesaBridge\Results\PayoutBatch;
use MpesaBridge\Results\PayoutBatchDetail;

/**
 * Money out. Batches: every row checked before anything is stored, one approval for the whole
 * batch when the policy wants one, then sent row by row, each at most once. Approving or
 * rejecting takes a dashboard session of a second person, never this client's key: no approve here.
 */
final class Payouts
{
    private const BATCHES = '/api/v1/payout-batches';

    public function __construct(private readonly HttpClient $http)
    {
    }

    /**
     * Exactly one of `$rows` (each an array as POST /api/v1/payouts takes one, without `account`)
     * or `$csv` (header phone,amount,purpose,remarks,occasion,reference,paybill,accountNumber,till).
     * One bad row refuses the whole batch: MpesaBridgeException `payout_batch_invalid`, whose
     * details['rows'] names each bad row by `line` and `fields`. `$idempotencyKey` (random when
     * null, returned) makes a retry find the same batch.
     *
     * @param list<array<string, mixed>>|null $rows
     */
    public function createBatch(
        ?array $rows = null,
        ?string $csv = null,
        ?string $account = null,
        ?string $idempotencyKey = null,
    ): PayoutBatchDetail {
        $key = $idempotencyKey ?? HttpClient::uuid4();
        $body = Body::of(compact('rows', 'csv', 'account'));
        [, $answer] = $this->http->request('POST', self::BATCHES, HttpClient::IDEMPOTENT_WRITE, [], $body, ['Idempotency-Key' => $key]);
        return PayoutBatchDetail::fromArray($answer, $key);
    }

    /** The batch, its counts per status, and every row with its payout as it stands. */
    public function getBatch(string $id): PayoutBatchDetail
    {
        [, $body] = $this->http->request('GET', self::BATCHES . '/' . rawurlencode($id), HttpClient::READ);
        return PayoutBatchDetail::fromArray($body);
    }

    /**
     * Newest first: `foreach` for every batch of every page, or ->firstPage().
     *
     * @return PagedList<PayoutBatch>
     */
    public function listBatches(?string $cursor = null): PagedList
    {
        return new PagedList(function (?string $pageCursor): Page {
            [, $body] = $this->http->request('GET', self::BATCHES, HttpClient::READ, ['cursor' => $pageCursor]);
            return new Page(array_map([PayoutBatch::class, 'fromArray'], $body['data']), $body['nextCursor'] ?? null);
        }, $cursor);
    }
}

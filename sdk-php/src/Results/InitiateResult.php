<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class InitiateResult
{
    /**
     * @param string $clientSecret Hand this to the browser: it opens this one transaction's Socket.io room and nothing else.
     * @param string $idempotencyKey The key this call was made with: retry with it to get the same answer, never a second prompt.
     * @param string $push `accepted` (HTTP 201): Daraja accepted the push; `unknown` (HTTP 202): its answer never came.
     */
    public function __construct(
        public readonly Transaction $transaction,
        public readonly string $clientSecret,
        public readonly string $idempotencyKey,
        public readonly string $push,
    ) {
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/** @template T */
final class Page
{
    /** @param list<T> $data */
    public function __construct(
        public readonly array $data,
        public readonly ?string $nextCursor,
    ) {
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

final class TestOutcome
{
    public function __construct(
        public readonly string $name,
        public readonly string $summary,
    ) {
    }
}

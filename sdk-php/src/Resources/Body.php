<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

/** @internal JSON bodies and query values from named arguments. */
final class Body
{
    /**
     * The given fields (null means "not given"), as a JSON object even when empty.
     *
     * @param array<string, mixed> $fields
     * @return array<string, mixed>|\stdClass
     */
    public static function of(array $fields): array|\stdClass
    {
        $present = array_filter($fields, static fn ($value) => $value !== null);
        return $present === [] ? new \stdClass() : $present;
    }

    public static function instant(\DateTimeInterface|string|null $value): ?string
    {
        return $value instanceof \DateTimeInterface ? $value->format(\DateTimeInterface::RFC3339_EXTENDED) : $value;
    }
}

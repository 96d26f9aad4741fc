<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/**
 * A payment as the merchant API returns it (sdk/src/types.ts documents each field). Amounts are
 * whole KES; times are ISO 8601 strings. `raw` keeps the whole JSON object, fields added later included.
 */
final class Transaction
{
    public const FINAL_STATUSES = ['completed', 'failed', 'cancelled', 'expired'];

    /**
     * @param array<string, mixed>|null $metadata
     * @param array<string, mixed> $raw
     */
    public function __construct(
        public readonly string $id,
        public readonly string $status,
        public readonly int $amount,
        public readonly string $currency,
        public readonly string $phone,
        public readonly string $mode,
        public readonly ?string $accountId,
        public readonly string $channel,
        public readonly string $accountReference,
        public readonly string $description,
        public readonly ?array $metadata,
        public readonly ?string $checkoutRequestId,
        public readonly ?string $merchantRequestId,
        public readonly ?string $customerMessage,
        public readonly ?string $mpesaReceiptNumber,
        public readonly ?int $amountPaid,
        public readonly bool $amountVerified,
        public readonly bool $amountMismatch,
        public readonly ?Failure $failure,
        public readonly string $createdAt,
        public readonly string $updatedAt,
        public readonly ?string $settledAt,
        public readonly array $raw,
        /**
         * The payment that holds this request's receipt (txn_…), when its own success came with a
         * receipt another payment (a walk-in C2B payment) already held: that one is the payment of
         * the money; fulfil the order when this is set. Null otherwise (docs/c2b.md "One receipt,
         * one payment"). Last, so positional callers of this constructor keep working.
         */
        public readonly ?string $paidAs = null,
    ) {
    }

    /** Completed, failed, cancelled or expired (an expired payment can still complete late). */
    public function isFinal(): bool
    {
        return in_array($this->status, self::FINAL_STATUSES, true);
    }

    /**
     * Its outcome is known: a final status, or its money recorded as another payment ($paidAs),
     * where the status stays as it was for good. What waitForResult() waits for.
     */
    public function isSettled(): bool
    {
        return $this->isFinal() || $this->paidAs !== null;
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: (string) $data['id'],
            status: (string) $data['status'],
            amount: (int) $data['amount'],
            currency: (string) ($data['currency'] ?? 'KES'),
            phone: (string) $data['phone'],
            mode: (string) ($data['mode'] ?? ''),
            accountId: $data['accountId'] ?? null,
            channel: (string) ($data['channel'] ?? 'paybill'),
            accountReference: (string) ($data['accountReference'] ?? ''),
            description: (string) ($data['description'] ?? ''),
            metadata: $data['metadata'] ?? null,
            checkoutRequestId: $data['checkoutRequestId'] ?? null,
            merchantRequestId: $data['merchantRequestId'] ?? null,
            customerMessage: $data['customerMessage'] ?? null,
            mpesaReceiptNumber: $data['mpesaReceiptNumber'] ?? null,
            amountPaid: isset($data['amountPaid']) ? (int) $data['amountPaid'] : null,
            amountVerified: (bool) ($data['amountVerified'] ?? false),
            amountMismatch: (bool) ($data['amountMismatch'] ?? false),
            failure: is_array($data['failure'] ?? null) ? Failure::fromArray($data['failure']) : null,
            createdAt: (string) $data['createdAt'],
            updatedAt: (string) $data['updatedAt'],
            settledAt: $data['settledAt'] ?? null,
            raw: $data,
            paidAs: $data['paidAs'] ?? null,
        );
    }
}

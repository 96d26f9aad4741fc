<?php

declare(strict_types=1);

namespace MpesaBridge\Results;

/**
 * Money out to a phone (B2C) or a PayBill or till (B2B), as the API returns it
 * (sdk/src/payout-types.ts documents each field). `status`: requested, awaiting_approval,
 * submitted, unknown, succeeded or failed. Amounts are whole KES; `raw` keeps the whole JSON object.
 */
final class Payout
{
    /**
     * @param array<string, mixed>|null $metadata
     * @param array{id: string, line: int}|null $batch the batch it was asked for in, and its line there
     * @param array<string, mixed> $raw
     */
    public function __construct(
        public readonly string $id,
        public readonly string $status,
        public readonly int $amount,
        public readonly string $currency,
        public readonly string $channel,
        public readonly ?string $phone,
        public readonly ?string $paybill,
        public readonly ?string $accountNumber,
        public readonly ?string $till,
        public readonly string $purpose,
        public readonly string $remarks,
        public readonly ?string $occasion,
        public readonly ?array $metadata,
        public readonly string $mode,
        public readonly ?string $accountId,
        public readonly string $shortcode,
        public readonly string $requestedBy,
        public readonly ?PayoutApproval $approval,
        public readonly ?string $conversationId,
        public readonly ?string $originatorConversationId,
        public readonly ?string $mpesaReceiptNumber,
        public readonly ?string $receiverName,
        public readonly ?PayoutReason $reason,
        public readonly ?array $batch,
        public readonly string $createdAt,
        public readonly string $updatedAt,
        public readonly ?string $submittedAt,
        public readonly ?string $settledAt,
        public readonly array $raw,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: (string) $data['id'],
            status: (string) $data['status'],
            amount: (int) $data['amount'],
            currency: (string) ($data['currency'] ?? 'KES'),
            channel: (string) ($data['channel'] ?? 'b2c'),
            phone: $data['phone'] ?? null,
            paybill: $data['paybill'] ?? null,
            accountNumber: $data['accountNumber'] ?? null,
            till: $data['till'] ?? null,
            purpose: (string) ($data['purpose'] ?? ''),
            remarks: (string) ($data['remarks'] ?? ''),
            occasion: $data['occasion'] ?? null,
            metadata: $data['metadata'] ?? null,
            mode: (string) ($data['mode'] ?? ''),
            accountId: $data['accountId'] ?? null,
            shortcode: (string) ($data['shortcode'] ?? ''),
            requestedBy: (string) ($data['requestedBy'] ?? ''),
            approval: PayoutApproval::fromArray($data['approval'] ?? null),
            conversationId: $data['conversationId'] ?? null,
            originatorConversationId: $data['originatorConversationId'] ?? null,
            mpesaReceiptNumber: $data['mpesaReceiptNumber'] ?? null,
            receiverName: $data['receiverName'] ?? null,
            reason: is_array($data['reason'] ?? null) ? PayoutReason::fromArray($data['reason']) : null,
            batch: $data['batch'] ?? null,
            createdAt: (string) $data['createdAt'],
            updatedAt: (string) $data['updatedAt'],
            submittedAt: $data['submittedAt'] ?? null,
            settledAt: $data['settledAt'] ?? null,
            raw: $data,
        );
    }
}

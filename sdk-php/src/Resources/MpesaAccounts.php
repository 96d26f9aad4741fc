<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

use MpesaBridge\HttpClient;
use MpesaBridge\Results\MpesaAccount;

/** The project's own M-Pesa (Daraja) accounts, of the key's mode. */
final class MpesaAccounts
{
    private const BASE = '/api/v1/mpesa-accounts';

    public function __construct(private readonly HttpClient $http)
    {
    }

    /** `$environment` must match the key's mode: simulator or sandbox with test keys, production with live keys. */
    public function create(
        string $name,
        string $environment,
        #[\SensitiveParameter] string $consumerKey,
        #[\SensitiveParameter] string $consumerSecret,
        string $shortcode,
        #[\SensitiveParameter] string $passkey,
        ?string $tillNumber = null,
        ?string $initiatorName = null,
        #[\SensitiveParameter] ?string $initiatorCredential = null,
        ?bool $isDefault = null,
    ): MpesaAccount {
        $body = Body::of(compact('name', 'environment', 'consumerKey', 'consumerSecret', 'shortcode', 'passkey', 'tillNumber', 'initiatorName', 'initiatorCredential', 'isDefault'));
        // Not retried after a lost answer: a second call adds a second account.
        [, $answer] = $this->http->request('POST', self::BASE, HttpClient::WRITE, [], $body);
        return MpesaAccount::fromArray($answer['account']);
    }

    /** @return list<MpesaAccount> this key's mode's accounts, newest first */
    public function list(): array
    {
        [, $body] = $this->http->request('GET', self::BASE, HttpClient::READ);
        return array_map([MpesaAccount::class, 'fromArray'], $body['data']);
    }

    public function retrieve(string $id): MpesaAccount
    {
        [, $body] = $this->http->request('GET', self::BASE . '/' . rawurlencode($id), HttpClient::READ);
        return MpesaAccount::fromArray($body['account']);
    }

    /** @param array<string, mixed> $changes fields as in create (camelCase), e.g. ['name' => 'Till', 'isDefault' => true] */
    public function update(string $id, array $changes): MpesaAccount
    {
        [, $body] = $this->http->request('PATCH', self::BASE . '/' . rawurlencode($id), HttpClient::IDEMPOTENT_WRITE, [], $changes === [] ? new \stdClass() : $changes);
        return MpesaAccount::fromArray($body['account']);
    }

    /** New payments can no longer use it; payments made through it still reconcile. */
    public function delete(string $id): void
    {
        $this->http->request('DELETE', self::BASE . '/' . rawurlencode($id), HttpClient::WRITE);
    }
}

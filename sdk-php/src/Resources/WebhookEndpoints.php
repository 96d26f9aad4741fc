<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

use MpesaBridge\HttpClient;
use MpesaBridge\PagedList;
use MpesaBridge\Results\Page;
use MpesaBridge\Results\WebhookDelivery;
use MpesaBridge\Results\WebhookEndpoint;
use MpesaBridge\Results\WebhookEndpointWithSecret;

/** Where events go: register, change, rotate the signing secret, look at and replay deliveries. */
final class WebhookEndpoints
{
    private const BASE = '/api/v1/webhook-endpoints';

    public function __construct(private readonly HttpClient $http)
    {
    }

    /**
     * Registers an endpoint; the result holds its signing secret (`whsec_...`), shown this once.
     *
     * @param list<string>|null $eventTypes default ['*'] (every type, including types added later)
     */
    public function create(string $url, ?string $description = null, ?array $eventTypes = null, ?bool $enabled = null): WebhookEndpointWithSecret
    {
        // Not retried after a lost answer: a second call registers a second endpoint.
        [, $body] = $this->http->request('POST', self::BASE, HttpClient::WRITE, [], Body::of(compact('url', 'description', 'eventTypes', 'enabled')));
        return WebhookEndpointWithSecret::fromArray($body);
    }

    /** @return list<WebhookEndpoint> every endpoint of the project, newest first */
    public function list(): array
    {
        [, $body] = $this->http->request('GET', self::BASE, HttpClient::READ);
        return array_map([WebhookEndpoint::class, 'fromArray'], $body['data']);
    }

    public function retrieve(string $id): WebhookEndpoint
    {
        [, $body] = $this->http->request('GET', $this->path($id), HttpClient::READ);
        return WebhookEndpoint::fromArray($body['endpoint']);
    }

    /**
     * At least one of url, description (null clears it), eventTypes, enabled. Enabling a disabled
     * endpoint sends what was kept pending at once.
     *
     * @param array{url?: string, description?: string|null, eventTypes?: list<string>, enabled?: bool} $changes
     */
    public function update(string $id, array $changes): WebhookEndpoint
    {
        // The same changes applied twice leave the endpoint as applying them once.
        [, $body] = $this->http->request('PATCH', $this->path($id), HttpClient::IDEMPOTENT_WRITE, [], $changes === [] ? new \stdClass() : $changes);
        return WebhookEndpoint::fromArray($body['endpoint']);
    }

    /** Stops deliveries to it (pending ones fail); its history stays readable through events. */
    public function delete(string $id): void
    {
        $this->http->request('DELETE', $this->path($id), HttpClient::WRITE);
    }

    /**
     * A new signing secret; deliveries carry both signatures for $overlapSeconds. Not retried after
     * a lost answer: a second rotation would retire the secret the first one returned.
     */
    public function rotateSecret(string $id, ?int $overlapSeconds = null): WebhookEndpointWithSecret
    {
        [, $body] = $this->http->request('POST', $this->path($id, '/secret/rotate'), HttpClient::WRITE, [], Body::of(compact('overlapSeconds')));
        return WebhookEndpointWithSecret::fromArray($body);
    }

    /** @return PagedList<WebhookDelivery> deliveries to this endpoint, newest first */
    public function deliveries(string $id, ?string $status = null, ?int $limit = null, ?string $cursor = null): PagedList
    {
        $query = ['status' => $status, 'limit' => $limit === null ? null : (string) $limit];
        return new PagedList(function (?string $pageCursor) use ($id, $query): Page {
            [, $body] = $this->http->request('GET', $this->path($id, '/deliveries'), HttpClient::READ, $query + ['cursor' => $pageCursor]);
            return new Page(array_map([WebhookDelivery::class, 'fromArray'], $body['data']), $body['nextCursor'] ?? null);
        }, $cursor);
    }

    /** Sends again every delivery to this endpoint that failed for good since $since; how many. */
    public function redeliverFailed(string $id, \DateTimeInterface|string $since): int
    {
        [, $body] = $this->http->request('POST', $this->path($id, '/redeliver-failed'), HttpClient::WRITE, [], ['since' => Body::instant($since)]);
        return (int) $body['redelivered'];
    }

    private function path(string $id, string $rest = ''): string
    {
        return self::BASE . '/' . rawurlencode($id) . $rest;
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Resources;

use MpesaBridge\HttpClient;
use MpesaBridge\PagedList;
use MpesaBridge\Results\EventDetail;
use MpesaBridge\Results\EventRecord;
use MpesaBridge\Results\Page;
use MpesaBridge\Results\WebhookDelivery;

/** The event log behind webhooks (what happened, and each delivery attempt) and replay. */
final class Events
{
    private const BASE = '/api/v1/events';

    public function __construct(private readonly HttpClient $http)
    {
    }

    /** @return PagedList<EventRecord> newest first */
    public function list(?string $type = null, ?string $transactionId = null, ?int $limit = null, ?string $cursor = null): PagedList
    {
        $query = ['type' => $type, 'transactionId' => $transactionId, 'limit' => $limit === null ? null : (string) $limit];
        return new PagedList(function (?string $pageCursor) use ($query): Page {
            [, $body] = $this->http->request('GET', self::BASE, HttpClient::READ, $query + ['cursor' => $pageCursor]);
            return new Page(array_map([EventRecord::class, 'fromArray'], $body['data']), $body['nextCursor'] ?? null);
        }, $cursor);
    }

    /** The event and its deliveries, each with every attempt. */
    public function retrieve(string $id): EventDetail
    {
        [, $body] = $this->http->request('GET', self::BASE . '/' . rawurlencode($id), HttpClient::READ);
        return EventDetail::fromArray($body);
    }

    /**
     * Sends the event again with the same id (receivers deduping on webhook-id see it once): to
     * one endpoint, or to every live endpoint that wants its type.
     *
     * @return list<WebhookDelivery>
     */
    public function redeliver(string $id, ?string $endpointId = null): array
    {
        [, $body] = $this->http->request('POST', self::BASE . '/' . rawurlencode($id) . '/redeliver', HttpClient::WRITE, [], Body::of(compact('endpointId')));
        return array_map([WebhookDelivery::class, 'fromArray'], $body['deliveries']);
    }
}

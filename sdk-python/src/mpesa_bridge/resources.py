"""The resources of a client: transactions (payments), webhook endpoints, events, M-Pesa accounts
(payouts: payouts.py).
Each call names what may be retried (see _http.py); the comments say why where it is not a read."""

import urllib.parse
import uuid
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ._http import IDEMPOTENT_WRITE, READ, WRITE, Http
from .errors import MpesaBridgeError
from .pagination import PagedList
from .types import (
    EventDetail,
    EventRecord,
    InitiateResult,
    MpesaAccount,
    Page,
    ReconcileResult,
    TestOutcomeInfo,
    Transaction,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointWithSecret,
    from_json,
)

Instant = Union[datetime, str]

_UNSET: Any = object()


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _instant(value: Optional[Instant]) -> Optional[str]:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Pass an aware datetime (with a timezone), e.g. datetime.now(timezone.utc)")
        return value.isoformat()
    return value


def _present(**values: Any) -> Dict[str, Any]:
    """Keyword arguments as a JSON body, camelCase, leaving out what was not given."""
    body: Dict[str, Any] = {}
    for name, value in values.items():
        if value is _UNSET:
            continue
        head, *rest = name.split("_")
        body[head + "".join(part.title() for part in rest)] = value
    return body


def _page(kind: Any, body: Dict[str, Any]) -> Page[Any]:
    return Page(data=[from_json(kind, item) for item in body["data"]], next_cursor=body.get("nextCursor"))


class Transactions:
    """Payments: initiate (STK Push), retrieve, list, reconcile, and waiting for the result."""

    def __init__(self, http: Http, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._http = http
        self._clock = clock
        self._sleep = sleep

    def initiate(
        self,
        *,
        phone: str,
        amount: int,
        account_reference: str,
        description: Optional[str] = _UNSET,
        channel: Optional[str] = _UNSET,
        account: Optional[str] = _UNSET,
        metadata: Optional[Dict[str, Any]] = _UNSET,
        idempotency_key: Optional[str] = None,
    ) -> InitiateResult:
        """Sends an STK Push prompt to the customer's phone. ``idempotency_key`` makes the call safe to
        repeat (the same key and body give the first answer again, never a second prompt): use your
        order id, so a retry after a crash is safe too. A random one is used when omitted and returned."""
        body = _present(
            phone=phone,
            amount=amount,
            account_reference=account_reference,
            description=description,
            channel=channel,
            account=account,
            metadata=metadata,
        )
        return self._start("/api/v1/transactions/initiate", body, idempotency_key)

    def initiate_test(
        self,
        *,
        outcome: str,
        amount: Optional[int] = _UNSET,
        account_reference: Optional[str] = _UNSET,
        description: Optional[str] = _UNSET,
        channel: Optional[str] = _UNSET,
        account: Optional[str] = _UNSET,
        metadata: Optional[Dict[str, Any]] = _UNSET,
        idempotency_key: Optional[str] = None,
    ) -> InitiateResult:
        """Test keys: a payment whose simulated customer does what ``outcome`` names (``paid``,
        ``cancelled``, ``insufficient-funds``, ...; see :meth:`test_outcomes`)."""
        body = _present(
            outcome=outcome,
            amount=amount,
            account_reference=account_reference,
            description=description,
            channel=channel,
            account=account,
            metadata=metadata,
        )
        return self._start("/api/v1/test-payments", body, idempotency_key)

    def test_outcomes(self) -> List[TestOutcomeInfo]:
        _, body = self._http.request("GET", "/api/v1/test-payments/outcomes", retry=READ)
        return [from_json(TestOutcomeInfo, item) for item in body["data"]]

    def retrieve(self, id: str) -> Transaction:  # noqa: A002 - the API's name
        _, body = self._http.request("GET", f"/api/v1/transactions/{_segment(id)}", retry=READ)
        return from_json(Transaction, body["transaction"])

    def list(
        self,
        *,
        status: Optional[str] = None,
        phone: Optional[str] = None,
        account_reference: Optional[str] = None,
        receipt: Optional[str] = None,
        created_from: Optional[Instant] = None,
        created_to: Optional[Instant] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> "PagedList[Transaction]":
        """Newest first. Iterate the result for every payment of every page, or call ``first_page()``.
        ``created_from`` / ``created_to`` are inclusive bounds on ``created_at``."""
        query = {
            "status": status,
            "phone": phone,
            "accountReference": account_reference,
            "receipt": receipt,
            "from": _instant(created_from),
            "to": _instant(created_to),
            "limit": None if limit is None else str(limit),
        }

        def fetch(page_cursor: Optional[str]) -> Page[Transaction]:
            _, body = self._http.request(
                "GET", "/api/v1/transactions", query={**query, "cursor": page_cursor}, retry=READ
            )
            return _page(Transaction, body)

        return PagedList(fetch, cursor)

    def reconcile(self, id: str) -> ReconcileResult:  # noqa: A002
        """Asks M-Pesa now (STK Query) about a payment still pending; ``reconciliation.outcome`` says what happened."""
        # Not retried after a lost answer: the repeat would report already_final for a payment this call settled.
        _, body = self._http.request("POST", f"/api/v1/transactions/{_segment(id)}/reconcile", retry=WRITE)
        return from_json(ReconcileResult, body)

    def wait_for_result(
        self,
        id: str,  # noqa: A002
        *,
        timeout: float = 120.0,
        poll_interval: float = 2.0,
        on_status: Optional[Callable[[str], None]] = None,
    ) -> Transaction:
        """Polls until the payment is completed, failed, cancelled or expired. Raises MpesaBridgeError
        with code ``wait_timeout`` (``details['lastStatus']``) when ``timeout`` seconds pass first.
        (The TypeScript SDK can follow the payment over Socket.io; polling keeps this SDK dependency-free.)"""
        deadline = self._clock() + timeout
        last_status: Optional[str] = None
        while True:
            transaction = self.retrieve(id)
            if transaction.status != last_status:
                last_status = transaction.status
                if on_status is not None:
                    on_status(transaction.status)
            if transaction.is_settled:
                return transaction
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise MpesaBridgeError(
                    "wait_timeout",
                    f"Transaction {id} did not reach a final status within {timeout} s (last status: {last_status})",
                    details={"transactionId": id, "lastStatus": last_status},
                )
            self._sleep(min(poll_interval, remaining))

    def _start(self, path: str, body: Dict[str, Any], idempotency_key: Optional[str]) -> InitiateResult:
        key = idempotency_key or str(uuid.uuid4())
        status, answer = self._http.request(
            "POST", path, body=body, headers={"Idempotency-Key": key}, retry=IDEMPOTENT_WRITE
        )
        return InitiateResult(
            transaction=from_json(Transaction, answer["transaction"]),
            client_secret=answer["clientSecret"],
            idempotency_key=key,
            push="unknown" if status == 202 else "accepted",
        )


class WebhookEndpoints:
    """Where events go: register, change, rotate the signing secret, look at and replay deliveries."""

    _BASE = "/api/v1/webhook-endpoints"

    def __init__(self, http: Http) -> None:
        self._http = http

    def _path(self, id: str, rest: str = "") -> str:  # noqa: A002
        return f"{self._BASE}/{_segment(id)}{rest}"

    def create(
        self,
        *,
        url: str,
        description: Optional[str] = _UNSET,
        event_types: Optional[Sequence[str]] = _UNSET,
        enabled: Optional[bool] = _UNSET,
    ) -> WebhookEndpointWithSecret:
        """Registers an endpoint; the result holds its signing secret (``whsec_...``), shown this once."""
        body = _present(
            url=url,
            description=description,
            event_types=list(event_types) if event_types not in (None, _UNSET) else event_types,  # type: ignore[arg-type]
            enabled=enabled,
        )
        # Not retried after a lost answer: a second call registers a second endpoint.
        _, answer = self._http.request("POST", self._BASE, body=body, retry=WRITE)
        return from_json(WebhookEndpointWithSecret, answer)

    def list(self) -> List[WebhookEndpoint]:
        _, body = self._http.request("GET", self._BASE, retry=READ)
        return [from_json(WebhookEndpoint, item) for item in body["data"]]

    def retrieve(self, id: str) -> WebhookEndpoint:  # noqa: A002
        _, body = self._http.request("GET", self._path(id), retry=READ)
        return from_json(WebhookEndpoint, body["endpoint"])

    def update(
        self,
        id: str,  # noqa: A002
        *,
        url: Optional[str] = _UNSET,
        description: Optional[str] = _UNSET,
        event_types: Optional[Sequence[str]] = _UNSET,
        enabled: Optional[bool] = _UNSET,
    ) -> WebhookEndpoint:
        """At least one field; ``description=None`` clears it. Enabling sends what was kept pending."""
        body = _present(
            url=url,
            description=description,
            event_types=list(event_types) if event_types not in (None, _UNSET) else event_types,  # type: ignore[arg-type]
            enabled=enabled,
        )
        # The same changes applied twice leave the endpoint as applying them once.
        _, answer = self._http.request("PATCH", self._path(id), body=body, retry=IDEMPOTENT_WRITE)
        return from_json(WebhookEndpoint, answer["endpoint"])

    def delete(self, id: str) -> None:  # noqa: A002
        self._http.request("DELETE", self._path(id), retry=WRITE)

    def rotate_secret(self, id: str, *, overlap_seconds: Optional[int] = _UNSET) -> WebhookEndpointWithSecret:  # noqa: A002
        """A new signing secret; deliveries carry both signatures for ``overlap_seconds``.
        Not retried after a lost answer: a second rotation would retire the secret the first returned."""
        body = _present(overlap_seconds=overlap_seconds)
        _, answer = self._http.request("POST", self._path(id, "/secret/rotate"), body=body, retry=WRITE)
        return from_json(WebhookEndpointWithSecret, answer)

    def deliveries(
        self,
        id: str,  # noqa: A002
        *,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> "PagedList[WebhookDelivery]":
        query = {"status": status, "limit": None if limit is None else str(limit)}

        def fetch(page_cursor: Optional[str]) -> Page[WebhookDelivery]:
            _, body = self._http.request(
                "GET", self._path(id, "/deliveries"), query={**query, "cursor": page_cursor}, retry=READ
            )
            return _page(WebhookDelivery, body)

        return PagedList(fetch, cursor)

    def redeliver_failed(self, id: str, *, since: Instant) -> int:  # noqa: A002
        """Sends again every delivery to this endpoint that failed for good since ``since``; how many."""
        _, body = self._http.request(
            "POST", self._path(id, "/redeliver-failed"), body={"since": _instant(since)}, retry=WRITE
        )
        return int(body["redelivered"])


class Events:
    """The event log behind webhooks (what happened, and each delivery attempt) and replay."""

    _BASE = "/api/v1/events"

    def __init__(self, http: Http) -> None:
        self._http = http

    def list(
        self,
        *,
        type: Optional[str] = None,  # noqa: A002
        transaction_id: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> "PagedList[EventRecord]":
        """Newest first."""
        query = {"type": type, "transactionId": transaction_id, "limit": None if limit is None else str(limit)}

        def fetch(page_cursor: Optional[str]) -> Page[EventRecord]:
            _, body = self._http.request("GET", self._BASE, query={**query, "cursor": page_cursor}, retry=READ)
            return _page(EventRecord, body)

        return PagedList(fetch, cursor)

    def retrieve(self, id: str) -> EventDetail:  # noqa: A002
        """The event and its deliveries, each with every attempt."""
        _, body = self._http.request("GET", f"{self._BASE}/{_segment(id)}", retry=READ)
        return from_json(EventDetail, body)

    def redeliver(self, id: str, *, endpoint_id: Optional[str] = _UNSET) -> List[WebhookDelivery]:  # noqa: A002
        """Sends the event again with the same id (receivers deduping on ``webhook-id`` see it once)."""
        _, body = self._http.request(
            "POST", f"{self._BASE}/{_segment(id)}/redeliver", body=_present(endpoint_id=endpoint_id), retry=WRITE
        )
        return [from_json(WebhookDelivery, item) for item in body["deliveries"]]


class MpesaAccounts:
    """The project's own M-Pesa (Daraja) accounts, of the key's mode."""

    _BASE = "/api/v1/mpesa-accounts"

    def __init__(self, http: Http) -> None:
        self._http = http

    def create(
        self,
        *,
        name: str,
        environment: str,
        consumer_key: str,
        consumer_secret: str,
        shortcode: str,
        passkey: str,
        till_number: Optional[str] = _UNSET,
        initiator_name: Optional[str] = _UNSET,
        initiator_credential: Optional[str] = _UNSET,
        is_default: Optional[bool] = _UNSET,
    ) -> MpesaAccount:
        """``environment`` must match the key's mode: ``simulator``/``sandbox`` with test keys, ``production`` with live."""
        body = _present(
            name=name,
            environment=environment,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            shortcode=shortcode,
            passkey=passkey,
            till_number=till_number,
            initiator_name=initiator_name,
            initiator_credential=initiator_credential,
            is_default=is_default,
        )
        # Not retried after a lost answer: a second call adds a second account.
        _, answer = self._http.request("POST", self._BASE, body=body, retry=WRITE)
        return from_json(MpesaAccount, answer["account"])

    def list(self) -> List[MpesaAccount]:
        _, body = self._http.request("GET", self._BASE, retry=READ)
        return [from_json(MpesaAccount, item) for item in body["data"]]

    def retrieve(self, id: str) -> MpesaAccount:  # noqa: A002
        _, body = self._http.request("GET", f"{self._BASE}/{_segment(id)}", retry=READ)
        return from_json(MpesaAccount, body["account"])

    def update(self, id: str, **changes: Any) -> MpesaAccount:  # noqa: A002
        """Keyword arguments as in create (snake_case), e.g. ``update(id, name="Till", is_default=True)``."""
        _, answer = self._http.request(
            "PATCH", f"{self._BASE}/{_segment(id)}", body=_present(**changes), retry=IDEMPOTENT_WRITE
        )
        return from_json(MpesaAccount, answer["account"])

    def delete(self, id: str) -> None:  # noqa: A002
        """New payments can no longer use it; payments made through it still reconcile."""
        self._http.request("DELETE", f"{self._BASE}/{_segment(id)}", retry=WRITE)



"""Results as dataclasses with snake_case fields, read from the service's JSON (camelCase) by
name. Fields the service adds later are kept in ``raw`` (the whole JSON object) until the SDK
names them. The TypeScript SDK's sdk/src/types.ts and webhook-types.ts document each field.
"""

import dataclasses
from typing import Any, Dict, Generic, List, Optional, Type, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")

FINAL_STATUSES = ("completed", "failed", "cancelled", "expired")


@dataclasses.dataclass(frozen=True)
class Failure:
    """Why a payment did not complete: our code (``cancelled_by_customer``, ``insufficient_funds``, ...)."""

    code: str
    message: str
    result_code: Optional[str] = None
    result_desc: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Transaction:
    """A payment as the merchant API returns it. Amounts are whole KES."""

    id: str
    status: str
    amount: int
    currency: str
    phone: str
    mode: str
    channel: str
    account_reference: str
    description: str
    created_at: str
    updated_at: str
    account_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    checkout_request_id: Optional[str] = None
    merchant_request_id: Optional[str] = None
    customer_message: Optional[str] = None
    mpesa_receipt_number: Optional[str] = None
    amount_paid: Optional[int] = None
    amount_verified: bool = False
    amount_mismatch: bool = False
    failure: Optional[Failure] = None
    settled_at: Optional[str] = None
    #: The payment that holds this request's receipt (``txn_...``), when its own success came with a
    #: receipt another payment (a walk-in C2B payment) already held: that one is the payment of the
    #: money; fulfil the order when this is set. None otherwise (docs/c2b.md "One receipt, one payment").
    paid_as: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def is_final(self) -> bool:
        """Completed, failed, cancelled or expired (an expired payment can still complete late)."""
        return self.status in FINAL_STATUSES

    @property
    def is_settled(self) -> bool:
        """Its outcome is known: a final status, or its money recorded as another payment (``paid_as``),
        where the status stays as it was for good. What ``wait_for_result`` waits for."""
        return self.is_final or self.paid_as is not None


@dataclasses.dataclass(frozen=True)
class InitiateResult:
    transaction: Transaction
    #: Hand this to the browser: it opens this one transaction's Socket.io room and nothing else.
    client_secret: str
    #: The key this call was made with: retry with the same key to get the same answer, never a second prompt.
    idempotency_key: str
    #: ``accepted`` (HTTP 201): Daraja accepted the push; ``unknown`` (HTTP 202): its answer never came.
    push: str


@dataclasses.dataclass(frozen=True)
class Reconciliation:
    #: settled, already_final, in_progress, no_answer, awaiting_callback, expired or busy.
    outcome: str


@dataclasses.dataclass(frozen=True)
class ReconcileResult:
    transaction: Transaction
    reconciliation: Reconciliation


@dataclasses.dataclass(frozen=True)
class TestOutcomeInfo:
    name: str
    summary: str


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    data: List[T]
    next_cursor: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    event_types: List[str]
    enabled: bool
    created_at: str
    updated_at: str
    description: Optional[str] = None
    disabled_reason: Optional[str] = None
    failing_since: Optional[str] = None
    previous_secret_expires_at: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class WebhookEndpointWithSecret:
    endpoint: WebhookEndpoint
    #: ``whsec_...``: shown at creation and rotation only; verify_webhook needs it.
    secret: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class DeliveryAttempt:
    id: str
    attempted_at: str
    latency_ms: int
    status_code: Optional[int] = None
    response_body: Optional[str] = None
    error: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class WebhookDelivery:
    id: str
    event_id: str
    endpoint_id: str
    status: str
    attempts: int
    created_at: str
    next_attempt_at: Optional[str] = None
    last_status_code: Optional[int] = None
    last_error: Optional[str] = None
    completed_at: Optional[str] = None
    #: Every attempt, oldest first (``events.retrieve`` only).
    attempt_log: Optional[List[DeliveryAttempt]] = None


@dataclasses.dataclass(frozen=True)
class EventRecord:
    """An event of the project's log; ``data`` is the body's ``data`` as JSON (camelCase)."""

    id: str
    type: str
    created_at: str
    data: Dict[str, Any]
    transaction_id: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class EventDetail:
    event: EventRecord
    deliveries: List[WebhookDelivery]


@dataclasses.dataclass(frozen=True)
class MpesaAccount:
    """Credentials are write-only: at most their last four characters come back."""

    id: str
    name: str
    environment: str
    mode: str
    shortcode: str
    is_default: bool
    created_at: str
    updated_at: str
    till_number: Optional[str] = None
    consumer_key: Optional[str] = None
    consumer_secret: Optional[str] = None
    passkey: Optional[str] = None
    initiator_name: Optional[str] = None
    initiator_credential: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class PayoutReason:
    """Why a payout failed or its outcome is unknown: ``insufficient_balance``, ``approval_rejected``, ..."""

    code: str
    message: str
    result_code: Optional[str] = None
    result_desc: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class PayoutApproval:
    """Present when the project's policy wanted an approval; ``decision`` is None until one is made."""

    decision: Optional[str] = None
    decided_by: Optional[str] = None
    decided_at: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Payout:
    """Money out to a phone (B2C) or a PayBill or till (B2B); sdk/src/payout-types.ts documents each
    field. ``status``: requested, awaiting_approval, submitted, unknown, succeeded or failed."""

    id: str
    status: str
    amount: int
    currency: str
    channel: str
    purpose: str
    remarks: str
    mode: str
    shortcode: str
    requested_by: str
    created_at: str
    updated_at: str
    phone: Optional[str] = None
    paybill: Optional[str] = None
    account_number: Optional[str] = None
    till: Optional[str] = None
    occasion: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    account_id: Optional[str] = None
    approval: Optional[PayoutApproval] = None
    conversation_id: Optional[str] = None
    originator_conversation_id: Optional[str] = None
    mpesa_receipt_number: Optional[str] = None
    receiver_name: Optional[str] = None
    reason: Optional[PayoutReason] = None
    #: ``{"id": "pob_...", "line": n}``: the batch it was asked for in; None for a payout of its own.
    batch: Optional[Dict[str, Any]] = None
    submitted_at: Optional[str] = None
    settled_at: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class PayoutBatch:
    """A batch of payouts, approved once, sent row by row. ``status``: awaiting_approval, sending,
    sent or rejected. ``total`` is KES; ``counts`` says how many rows stand in each payout status."""

    id: str
    status: str
    mode: str
    row_count: int
    total: int
    counts: Dict[str, int]
    requested_by: str
    created_at: str
    approval: Optional[PayoutApproval] = None
    #: When its last row was handed to Daraja.
    completed_at: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class PayoutBatchRow:
    #: The CSV line, or the row's place in ``rows`` from 1.
    line: int
    payout: Payout


@dataclasses.dataclass(frozen=True)
class PayoutBatchDetail:
    """A batch with every row (by line) and its payout as it stands."""

    batch: PayoutBatch
    rows: List[PayoutBatchRow]
    #: The key a create was sent with (``create_batch`` only): a retry with it finds the same batch.
    idempotency_key: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """The body of a webhook delivery (what verify_webhook returns). Switch on ``type`` and keep a
    default branch: later versions of the service may add types."""

    id: str
    type: str
    timestamp: str
    data: Dict[str, Any]

    @property
    def transaction(self) -> Optional[Transaction]:
        """The payment of a ``transaction.*`` event, as it was right after the change."""
        value = self.data.get("transaction")
        return from_json(Transaction, value) if isinstance(value, dict) else None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def from_json(cls: Type[T], value: Dict[str, Any]) -> T:
    """A dataclass from the service's JSON object, field by field (camelCase keys)."""
    hints = get_type_hints(cls)
    arguments: Dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name == "raw":
            arguments["raw"] = value
            continue
        key = _camel(field.name)
        if key in value:
            arguments[field.name] = _convert(hints[field.name], value[key])
    return cls(**arguments)


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin is Union:
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin in (list, List):
        (item,) = get_args(hint)
        return [_convert(item, entry) for entry in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return from_json(hint, value)
    return value

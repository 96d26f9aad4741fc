"""mpesa-bridge for Python: a signed client for the mpesa-bridge service and Standard Webhooks
verification, standard library only.

    from mpesa_bridge import MpesaBridge, MpesaBridgeError, verify_webhook
"""

from ._version import __version__
from .client import MpesaBridge
from .errors import MpesaBridgeError, WebhookVerificationError
from .pagination import PagedList
from .signature import sign_request
from .types import (
    DeliveryAttempt,
    EventDetail,
    EventRecord,
    Failure,
    InitiateResult,
    MpesaAccount,
    Page,
    Payout,
    PayoutApproval,
    PayoutBatch,
    PayoutBatchDetail,
    PayoutBatchRow,
    PayoutReason,
    ReconcileResult,
    TestOutcomeInfo,
    Transaction,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointWithSecret,
    WebhookEvent,
)
from .webhooks import WEBHOOK_TOLERANCE_SECONDS, verify_webhook

__all__ = [
    "__version__",
    "MpesaBridge",
    "MpesaBridgeError",
    "WebhookVerificationError",
    "PagedList",
    "sign_request",
    "verify_webhook",
    "WEBHOOK_TOLERANCE_SECONDS",
    "DeliveryAttempt",
    "EventDetail",
    "EventRecord",
    "Failure",
    "InitiateResult",
    "MpesaAccount",
    "Page",
    "Payout",
    "PayoutApproval",
    "PayoutBatch",
    "PayoutBatchDetail",
    "PayoutBatchRow",
    "PayoutReason",
    "ReconcileResult",
    "TestOutcomeInfo",
    "Transaction",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEndpointWithSecret",
    "WebhookEvent",
]

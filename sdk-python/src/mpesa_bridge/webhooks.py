"""Verify a webhook delivery per the Standard Webhooks spec (https://www.standardwebhooks.com):

    webhook-signature = space-separated "v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>"
    key = base64 decode of the endpoint secret after its "whsec_" prefix

Several signatures appear while a secret is being rotated; one match is enough. The timestamp
bounds replays of a captured delivery to five minutes either side of now.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any, Mapping, Optional, Union

from .errors import WebhookVerificationError
from .types import WebhookEvent

WEBHOOK_TOLERANCE_SECONDS = 5 * 60
_SECRET_PREFIX = "whsec_"
_TIMESTAMP = re.compile(r"^\d{1,12}$")


def verify_webhook(
    payload: Union[bytes, str],
    headers: Mapping[str, Any],
    *,
    secret: str,
    tolerance_seconds: int = WEBHOOK_TOLERANCE_SECONDS,
    now: Optional[float] = None,
) -> WebhookEvent:
    """Checks a delivery and returns its parsed body.

    Pass the raw body exactly as received (``request.body`` in Django, ``await request.body()``
    in FastAPI/Starlette, ``request.get_data()`` in Flask), never a re-serialised object: any
    change to the bytes breaks the signature. ``headers`` is any mapping (names in any case;
    Django's ``request.headers`` and ``request.META`` both work). Raises
    :class:`WebhookVerificationError` (code ``webhook_headers_missing``,
    ``webhook_timestamp_invalid``, ``webhook_timestamp_too_old``, ``webhook_timestamp_too_new``
    or ``webhook_signature_invalid``) when it must be rejected: answer 400 then.
    """
    message_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise WebhookVerificationError(
            "webhook_headers_missing", "Missing webhook-id, webhook-timestamp or webhook-signature header"
        )
    if not _TIMESTAMP.match(timestamp):
        raise WebhookVerificationError("webhook_timestamp_invalid", "webhook-timestamp is not unix seconds")
    now_seconds = int(time.time() if now is None else now)
    if now_seconds - int(timestamp) > tolerance_seconds:
        raise WebhookVerificationError("webhook_timestamp_too_old", "webhook-timestamp is too old")
    if int(timestamp) - now_seconds > tolerance_seconds:
        raise WebhookVerificationError("webhook_timestamp_too_new", "webhook-timestamp is in the future")

    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    signed = f"{message_id}.{timestamp}.".encode("utf-8") + body
    expected = hmac.new(_secret_key(secret), signed, hashlib.sha256).digest()

    matched = False
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1" or not signature:
            continue
        try:
            given = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            continue
        # Every entry is compared (no early exit), each in constant time.
        matched = hmac.compare_digest(given, expected) or matched
    if not matched:
        raise WebhookVerificationError(
            "webhook_signature_invalid", "No webhook-signature matches this body and secret"
        )

    event = json.loads(body.decode("utf-8"))
    if not isinstance(event, dict):
        event = {}
    data = event.get("data")
    # The body's id is the webhook-id (Standard Webhooks); read by name, leniently, like any payload.
    return WebhookEvent(
        id=str(event.get("id", message_id)),
        type=str(event.get("type", "")),
        timestamp=str(event.get("timestamp", "")),
        data=data if isinstance(data, dict) else {},
    )


def _secret_key(secret: str) -> bytes:
    encoded = secret[len(_SECRET_PREFIX) :] if secret.startswith(_SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise ValueError("The webhook secret is empty or not base64 (expected whsec_...)")
    return key


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    # Django's request.META spells webhook-id as HTTP_WEBHOOK_ID.
    wanted = {name, "http_" + name.replace("-", "_")}
    for key, value in headers.items():
        if str(key).lower() in wanted:
            if isinstance(value, (list, tuple)):
                return " ".join(str(item) for item in value)
            return None if value is None else str(value)
    return None

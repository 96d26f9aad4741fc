"""One exception to catch, with the service's error code to branch on (docs/api.md, "Error codes")."""

from typing import Any, Dict, Optional


class MpesaBridgeError(Exception):
    """A call that failed: the service's answer, or a failure that never got one.

    ``code`` is the service's code (``validation_failed``, ``signature_invalid``, ``rate_limited``,
    ...) or one of the SDK's own: ``network_error`` (no HTTP answer), ``unexpected_response``
    (an answer that is not the service's JSON), ``wait_timeout`` and the ``webhook_*`` codes of
    :func:`mpesa_bridge.verify_webhook`.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: Optional[int] = None,
        request_id: Optional[str] = None,
        details: Optional[Dict[str, Any]] = None,
        retry_after: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: HTTP status, when the service answered.
        self.status = status
        #: The service's request id: quote it when asking for help, it finds the request in the logs.
        self.request_id = request_id
        self.details = details
        #: Seconds, from a ``Retry-After`` header.
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f" (HTTP {self.status}, request {self.request_id})" if self.status else ""
        return f"{self.code}: {self.message}{where}"


class WebhookVerificationError(MpesaBridgeError):
    """A webhook delivery that must not be trusted: answer it with 400 and do not act on it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)

"""Signed HTTP calls with bounded retries, the same rules as the TypeScript SDK (sdk/src/http.ts).

What may be retried is decided per call: a read can always be repeated; an initiate only with its
idempotency key, and only when the service cannot have acted on it in a way a replay would not
reproduce (no answer at all, or 429 from the rate limiter, which runs before the handler). A 503
from initiate is not retried: the service stored that refusal under the key and would replay it.
Any other write is retried on 429 only: after no answer it may have happened, and doing it twice
is not the same as once (a second rotation retires the secret the first one returned).
"""

import json
import platform
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from ._version import __version__
from .errors import MpesaBridgeError
from .signature import sign_request

READ = "read"
IDEMPOTENT_WRITE = "idempotent-write"
WRITE = "write"

_RETRY_BASE_DELAY = 0.5
_RETRY_MAX_DELAY = 8.0
# A Retry-After longer than this is the caller's decision, not a silent wait inside a call.
_RETRY_AFTER_MAX = 20.0
_READ_RETRY_STATUSES = {429, 500, 502, 503, 504}
_WRITE_RETRY_STATUSES = {429}
_SECONDS_REMEMBERED_MAX = 1000


class Http:
    def __init__(
        self,
        *,
        base_url: str,
        public_key: str,
        secret_key: str,
        timeout: float,
        max_retries: int,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._base = base_url.rstrip("/")
        self._public_key = public_key
        self._secret_key = secret_key
        self._timeout = timeout
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._last_used: Dict[str, int] = {}
        self._lock = threading.Lock()
        self._user_agent = f"mpesa-bridge-sdk-python/{__version__} python/{platform.python_version()}"

    def request(
        self,
        method: str,
        path: str,
        *,
        retry: str,
        query: Optional[Mapping[str, Optional[str]]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Tuple[int, Any]:
        """The status and parsed JSON body of a successful answer; raises MpesaBridgeError otherwise."""
        params = {name: value for name, value in (query or {}).items() if value is not None}
        path_with_query = path + ("?" + urllib.parse.urlencode(params) if params else "")
        payload = "" if body is None else json.dumps(body, separators=(",", ":"))
        extra = dict(headers or {})
        # A POST is sent with an Idempotency-Key (the caller's, else a random one), so a refusal as
        # signature_replayed below can be answered by signing it again: see _resign_allowed.
        if method == "POST" and not _has_header(extra, "Idempotency-Key"):
            extra["Idempotency-Key"] = str(uuid.uuid4())
        retry_statuses = _READ_RETRY_STATUSES if retry == READ else _WRITE_RETRY_STATUSES

        signed_again = False
        attempt = 0
        while True:
            # A fresh timestamp and signature per attempt: a retry after a long Retry-After must not go stale.
            timestamp = self._unique_second(f"{method}\n{path_with_query}\n{payload}")
            signed = sign_request(
                public_key=self._public_key,
                secret_key=self._secret_key,
                method=method,
                path_with_query=path_with_query,
                body=payload,
                timestamp=timestamp,
            )
            all_headers = {"Accept": "application/json", "User-Agent": self._user_agent}
            if payload:
                all_headers["Content-Type"] = "application/json"
            all_headers.update(signed)
            all_headers.update(extra)
            try:
                status, response_headers, text = self._send(method, path_with_query, payload, all_headers)
            except OSError as caught:
                error = MpesaBridgeError("network_error", f"Could not reach mpesa-bridge: {_reason(caught)}")
                if retry == WRITE:
                    raise error from caught
            else:
                if status == 204:
                    return status, None
                parsed, ok = _parse_json(text)
                if 200 <= status < 300 and ok:
                    return status, parsed
                error = _error_from_response(status, response_headers, parsed if ok else None)
                # Another client sent these very bytes this second and the service refused ours
                # before acting on it. Signed for the next second it is a request of its own: sent
                # again once, when that cannot do twice what the caller asked for once.
                if error.code == "signature_replayed" and not signed_again and _resign_allowed(method, extra):
                    signed_again = True
                    continue
                if status not in retry_statuses:
                    raise error
            delay = _retry_delay(attempt, error.retry_after)
            if attempt >= self._max_retries or delay is None:
                raise error
            self._sleep(delay)
            attempt += 1

    def _send(
        self, method: str, path_with_query: str, payload: str, headers: Dict[str, str]
    ) -> Tuple[int, Mapping[str, str], str]:
        request = urllib.request.Request(
            self._base + path_with_query,
            data=payload.encode("utf-8") if payload else None,
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return response.status, _lowercase(response.headers.items()), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, _lowercase(answer.headers.items()), answer.read().decode("utf-8", "replace")

    def _unique_second(self, content: str) -> int:
        """Now in unix seconds, unless the same request was already signed this second: then the
        next free second (the service accepts a few minutes either side). The service refuses an
        exact replay of a signed write, and two identical writes within one second would otherwise
        sign byte for byte the same. Kept per client: two processes can still collide, which the
        re-sign in request() answers."""
        with self._lock:
            now = int(self._clock())
            last = self._last_used.get(content)
            seconds = last + 1 if last is not None and last >= now else now
            if len(self._last_used) >= _SECONDS_REMEMBERED_MAX:
                self._last_used = {key: used for key, used in self._last_used.items() if used >= now}
            self._last_used[content] = seconds
            return seconds


def _lowercase(headers: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    return {name.lower(): value for name, value in headers}


def _resign_allowed(method: str, headers: Mapping[str, str]) -> bool:
    # A GET is a read; a write with an Idempotency-Key is answered from the service's store if it
    # did happen. Anything else (a PATCH or DELETE without a key) is the caller's to decide.
    return method == "GET" or _has_header(headers, "Idempotency-Key")


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    return any(key.lower() == name.lower() for key in headers)


def _parse_json(text: str) -> Tuple[Any, bool]:
    try:
        return json.loads(text), True
    except ValueError:
        return None, False


def _error_from_response(status: int, headers: Mapping[str, str], parsed: Any) -> MpesaBridgeError:
    retry_after = _parse_retry_after(headers.get("retry-after"))
    header_request_id = headers.get("x-request-id")
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str) or not isinstance(
        error.get("message"), str
    ):
        return MpesaBridgeError(
            "unexpected_response",
            f"HTTP {status} without an mpesa-bridge error body",
            status=status,
            request_id=header_request_id,
            retry_after=retry_after,
        )
    request_id = error.get("requestId")
    details = error.get("details")
    return MpesaBridgeError(
        error["code"],
        error["message"],
        status=status,
        request_id=request_id if isinstance(request_id, str) else header_request_id,
        details=details if isinstance(details, dict) else None,
        retry_after=retry_after,
    )


def _parse_retry_after(header: Optional[str]) -> Optional[int]:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return int(value)
    try:
        return max(0, int(parsedate_to_datetime(value).timestamp() - time.time() + 0.999))
    except (TypeError, ValueError):
        return None


def _retry_delay(attempt: int, retry_after: Optional[int]) -> Optional[float]:
    """Exponential backoff with jitter, or the server's Retry-After; None when that is too long to wait."""
    if retry_after is not None:
        return None if retry_after > _RETRY_AFTER_MAX else float(retry_after)
    ceiling = min(_RETRY_MAX_DELAY, _RETRY_BASE_DELAY * 2**attempt)
    return ceiling / 2 + random.random() * (ceiling / 2)


def _reason(caught: OSError) -> str:
    if isinstance(caught, (socket.timeout, TimeoutError)):
        return "no answer within the timeout"
    if isinstance(caught, urllib.error.URLError):
        return str(caught.reason)
    return str(caught)

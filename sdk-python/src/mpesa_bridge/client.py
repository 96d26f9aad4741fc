"""MpesaBridge: the one object a merchant backend holds. It keeps the secret key: servers only."""

import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ._http import IDEMPOTENT_WRITE, READ, WRITE, Http
from .payouts import Payouts
from .resources import Events, MpesaAccounts, Transactions, WebhookEndpoints


class MpesaBridge:
    """A client for one project, in the mode of its keys (``pk_test_``/``sk_test_`` or ``_live_``).

    ``timeout`` is per request, in seconds (default 30, above the service's own 15 s Daraja
    timeout); ``max_retries`` bounds retries where retrying is safe (default 2). ``clock`` and
    ``sleep`` are for tests.
    """

    def __init__(
        self,
        *,
        base_url: str,
        public_key: str,
        secret_key: str,
        timeout: float = 30.0,
        max_retries: int = 2,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url or not public_key or not secret_key:
            raise ValueError("MpesaBridge needs base_url, public_key and secret_key")
        self._http = Http(
            base_url=base_url,
            public_key=public_key,
            secret_key=secret_key,
            timeout=timeout,
            max_retries=max_retries,
            clock=clock,
            sleep=sleep,
        )
        #: Payments: initiate, retrieve, list, reconcile, wait_for_result.
        self.transactions = Transactions(self._http, clock, sleep)
        #: The same object under the name most M-Pesa libraries use.
        self.payments = self.transactions
        #: Money out: payout batches (create_batch, get_batch, list_batches).
        self.payouts = Payouts(self._http)
        self.webhook_endpoints = WebhookEndpoints(self._http)
        self.events = Events(self._http)
        self.mpesa_accounts = MpesaAccounts(self._http)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Optional[str]]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Tuple[int, Any]:
        """A signed call to a route this version does not wrap yet: (status, parsed JSON body).
        A GET is retried like a read, a write only on 429 (or, carrying an Idempotency-Key, like an initiate)."""
        method = method.upper()
        given: Dict[str, str] = dict(headers or {})
        keyed = any(name.lower() == "idempotency-key" for name in given)
        retry = READ if method == "GET" else IDEMPOTENT_WRITE if keyed else WRITE
        return self._http.request(method, path, query=query, body=body, headers=given, retry=retry)

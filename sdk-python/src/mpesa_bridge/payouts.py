"""Money out through a client: payout batches, as the TypeScript SDK has them (sdk/src/payouts.ts).
Each call names what may be retried (see _http.py)."""

import dataclasses
import uuid
from typing import Any, Dict, Optional, Sequence

from ._http import IDEMPOTENT_WRITE, READ, Http
from .pagination import PagedList
from .resources import _UNSET, _page, _present, _segment
from .types import Page, PayoutBatch, PayoutBatchDetail, from_json


class Payouts:
    """Money out. Batches: every row checked before anything is stored, one approval for the whole
    batch when the policy wants one, then sent row by row, each at most once. Approving or
    rejecting takes a dashboard session of a second person, never this client's key: no approve here."""

    _BATCHES = "/api/v1/payout-batches"

    def __init__(self, http: Http) -> None:
        self._http = http

    def create_batch(
        self,
        *,
        rows: Optional[Sequence[Dict[str, Any]]] = _UNSET,
        csv: Optional[str] = _UNSET,
        account: Optional[str] = _UNSET,
        idempotency_key: Optional[str] = None,
    ) -> PayoutBatchDetail:
        """Exactly one of ``rows`` (each a dict as ``POST /api/v1/payouts`` takes one, camelCase, without
        ``account``) or ``csv`` (header phone,amount,purpose,remarks,occasion,reference,paybill,
        accountNumber,till). One bad row refuses the whole batch: MpesaBridgeError
        ``payout_batch_invalid``, whose ``details['rows']`` names each bad row by ``line`` and ``fields``.
        ``idempotency_key`` (random when omitted, returned) makes a retry find the same batch."""
        body = _present(rows=list(rows) if rows not in (None, _UNSET) else rows, csv=csv, account=account)  # type: ignore[arg-type]
        key = idempotency_key or str(uuid.uuid4())
        _, answer = self._http.request(
            "POST", self._BATCHES, body=body, headers={"Idempotency-Key": key}, retry=IDEMPOTENT_WRITE
        )
        return dataclasses.replace(from_json(PayoutBatchDetail, answer), idempotency_key=key)

    def get_batch(self, id: str) -> PayoutBatchDetail:  # noqa: A002
        """The batch, its counts per status, and every row with its payout as it stands."""
        _, body = self._http.request("GET", f"{self._BATCHES}/{_segment(id)}", retry=READ)
        return from_json(PayoutBatchDetail, body)

    def list_batches(self, *, cursor: Optional[str] = None) -> "PagedList[PayoutBatch]":
        """Newest first. Iterate the result for every batch of every page, or call ``first_page()``."""

        def fetch(page_cursor: Optional[str]) -> Page[PayoutBatch]:
            _, body = self._http.request("GET", self._BATCHES, query={"cursor": page_cursor}, retry=READ)
            return _page(PayoutBatch, body)

        return PagedList(fetch, cursor)

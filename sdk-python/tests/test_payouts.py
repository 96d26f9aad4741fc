"""Payout batches through the Python SDK against the real service (simulator mode): a batch refused
whole for one bad row, previewed, created from rows and from a CSV, rejected and approved by a
dashboard user (never by the key), read back, listed and exported."""

import time
import unittest
import urllib.request
import uuid
from typing import Any, Dict, Tuple

from mpesa_bridge import MpesaBridge, MpesaBridgeError, PayoutBatchDetail, sign_request

from .service import DashboardSession, admin, service

INITIATOR_PASSWORD = "Sim-Initiator-Pass#9f3a7c"


def payout_project(approval: str) -> Tuple[MpesaBridge, Dict[str, str], str]:
    """A fresh project whose test mode pays out through a simulator account with an initiator, with
    payouts turned on by the operator under ``approval``: its client, keys and id."""
    created = admin("POST", "/api/v1/projects", {"name": "Python payout shop"})
    project_id = created["project"]["id"]
    keys = {"public_key": created["project"]["keys"]["test"]["publicKey"], "secret_key": created["secretKeys"]["test"]}
    admin(
        "PUT",
        f"/api/v1/projects/{project_id}/payout-settings",
        {"mode": "test", "enabled": True, "perPayoutMax": 250_000, "dailyMax": 10_000_000, "approval": approval},
    )
    client = MpesaBridge(base_url=service()["baseUrl"], **keys)
    # The SDK's accounts.create has no initiator password yet: the signed call for a route it does not wrap.
    status, _ = client.request(
        "POST",
        "/api/v1/mpesa-accounts",
        body={
            "name": "B2C",
            "environment": "simulator",
            "consumerKey": "ck_" + uuid.uuid4().hex[:10],
            "consumerSecret": "cs_" + uuid.uuid4().hex[:12],
            "shortcode": "600704",
            "passkey": "passkey-" + uuid.uuid4().hex[:12],
            "initiatorName": "testapi",
            "initiatorPassword": INITIATOR_PASSWORD,
        },
    )
    assert status == 201
    return client, keys, project_id


def signed_csv(keys: Dict[str, str], path_with_query: str) -> Tuple[str, str]:
    """A signed GET read as text (the SDK reads JSON only): its Content-Type and body."""
    headers = sign_request(
        public_key=keys["public_key"],
        secret_key=keys["secret_key"],
        method="GET",
        path_with_query=path_with_query,
        body="",
        timestamp=int(time.time()),
    )
    request = urllib.request.Request(service()["baseUrl"] + path_with_query, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], response.read().decode("utf-8")


def settled(detail: PayoutBatchDetail) -> bool:
    waiting = ("awaiting_approval", "requested", "submitted", "unknown")
    return detail.batch.status == "sent" and not any(detail.batch.counts.get(status) for status in waiting)


ROWS: Any = [
    {"phone": "0708374149", "amount": 100, "remarks": "Bonus"},
    {"phone": "0700000202", "amount": 200, "remarks": "Bonus"},
]


class PayoutBatchTest(unittest.TestCase):
    def test_when_a_batch_is_rejected_then_no_row_is_sent_and_get_list_and_export_show_it(self) -> None:
        client, keys, project_id = payout_project("all")

        with self.assertRaises(MpesaBridgeError) as caught:
            client.payouts.create_batch(csv="phone,amount\n0708374149,100\n0708374149,ten\n")
        error = caught.exception
        self.assertEqual((error.code, error.status), ("payout_batch_invalid", 422))
        bad = (error.details or {})["rows"]
        self.assertEqual([row["line"] for row in bad], [3])
        self.assertEqual([field["field"] for field in bad[0]["fields"]], ["amount"])

        # Preview: the TypeScript SDK wraps no preview, so neither does this one; the signed call does.
        status, preview = client.request("POST", "/api/v1/payout-batches/preview", body={"rows": ROWS})
        self.assertEqual(status, 200)
        self.assertEqual(
            (preview["rowCount"], preview["badRows"], preview["total"], preview["approvalRequired"]), (2, 0, 300, True)
        )
        self.assertEqual(list(client.payouts.list_batches()), [])

        key = "bonus-" + uuid.uuid4().hex
        created = client.payouts.create_batch(rows=ROWS, idempotency_key=key)
        batch = created.batch
        self.assertTrue(batch.id.startswith("pob_"))
        self.assertEqual((batch.status, batch.row_count, batch.total), ("awaiting_approval", 2, 300))
        self.assertEqual(batch.counts, {"awaiting_approval": 2})
        self.assertRegex(batch.requested_by, r"^key:pk_test_")
        assert batch.approval is not None
        self.assertIsNone(batch.approval.decision)
        self.assertEqual(created.idempotency_key, key)
        self.assertEqual([(row.line, row.payout.phone, row.payout.amount) for row in created.rows], [
            (1, "254708374149", 100),
            (2, "254700000202", 200),
        ])
        self.assertEqual(created.rows[0].payout.batch, {"id": batch.id, "line": 1})
        self.assertEqual(client.payouts.create_batch(rows=ROWS, idempotency_key=key).batch.id, batch.id)

        # The key cannot decide its own batch: the route takes a dashboard session only.
        with self.assertRaises(MpesaBridgeError) as refused:
            client.request("POST", f"/api/v1/payout-batches/{batch.id}/reject", body={})
        self.assertEqual(refused.exception.status, 401)

        DashboardSession(project_id).post(f"/api/v1/payout-batches/{batch.id}/reject", {"note": "Wrong month"})
        rejected = client.payouts.get_batch(batch.id)
        self.assertEqual((rejected.batch.status, rejected.batch.counts), ("rejected", {"failed": 2}))
        assert rejected.batch.approval is not None
        self.assertEqual(rejected.batch.approval.decision, "rejected")
        self.assertRegex(rejected.batch.approval.decided_by or "", r"^user:usr_")
        for row in rejected.rows:
            assert row.payout.reason is not None
            self.assertEqual((row.payout.status, row.payout.reason.code), ("failed", "approval_rejected"))

        self.assertEqual([listed.id for listed in client.payouts.list_batches()], [batch.id])

        content_type, csv = signed_csv(keys, f"/api/v1/payout-batches/{batch.id}?format=csv")
        self.assertTrue(content_type.startswith("text/csv"))
        lines = csv.strip().split("\r\n")
        self.assertEqual(lines[0].split(",")[:7], ["line", "payoutId", "phone", "paybill", "till", "amount", "status"])
        self.assertEqual([line.split(",")[0] for line in lines[1:]], ["1", "2"])
        self.assertTrue(all(",failed," in line and "approval_rejected" in line for line in lines[1:]))

    def test_when_a_csv_batch_is_approved_then_it_is_sent_and_listed_newest_first(self) -> None:
        client, _, project_id = payout_project("all")
        first = client.payouts.create_batch(rows=ROWS)
        second = client.payouts.create_batch(csv="phone,amount,remarks\n0708374149,150,March\n0708374149,250,March\n")
        self.assertEqual((second.batch.row_count, second.batch.total), (2, 400))
        self.assertNotEqual(first.idempotency_key, second.idempotency_key)

        DashboardSession(project_id).post(f"/api/v1/payout-batches/{second.batch.id}/approve", {"note": "Checked"})
        approved = client.payouts.get_batch(second.batch.id)
        assert approved.batch.approval is not None
        self.assertEqual(approved.batch.approval.decision, "approved")
        # Its rows go one at a time at the deployment's pace, each to the simulator once.
        deadline = time.time() + 20
        while not settled(approved) and time.time() < deadline:
            time.sleep(0.1)
            approved = client.payouts.get_batch(second.batch.id)
        self.assertEqual((approved.batch.status, approved.batch.counts), ("sent", {"succeeded": 2}))
        self.assertTrue(all(row.payout.mpesa_receipt_number for row in approved.rows))
        self.assertEqual(client.payouts.get_batch(first.batch.id).batch.status, "awaiting_approval")

        page = client.payouts.list_batches().first_page()
        self.assertEqual([listed.id for listed in page.data], [second.batch.id, first.batch.id])
        self.assertIsNone(page.next_cursor)

    def test_when_the_batch_id_is_unknown_then_payout_batch_not_found(self) -> None:
        client, _, _ = payout_project("none")
        with self.assertRaises(MpesaBridgeError) as caught:
            client.payouts.get_batch("pob_doesnotexist")
        self.assertEqual((caught.exception.code, caught.exception.status), ("payout_batch_not_found", 404))


if __name__ == "__main__":
    unittest.main()

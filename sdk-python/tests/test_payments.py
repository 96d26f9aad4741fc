"""Payments through the Python SDK against the real service (simulator mode): initiate, wait for
the result, retrieve, list with auto-pagination, reconcile, and the errors a merchant meets."""

import time
import unittest
import uuid

from mpesa_bridge import MpesaBridge, MpesaBridgeError, Transaction, sign_request
from mpesa_bridge.types import from_json

from .service import new_client, new_project, service


def order_ref() -> str:
    return "INV" + uuid.uuid4().hex[:8].upper()


class SigningTest(unittest.TestCase):
    def test_when_signing_then_the_hmac_is_the_documented_one(self) -> None:
        # Expected value: Node's crypto over the string docs/api.md "Signing requests" describes.
        headers = sign_request(
            public_key="pk_x",
            secret_key="sk_test_vector",
            method="post",
            path_with_query="/api/v1/transactions/initiate?x=1",
            body='{"a":1}',
            timestamp=1700000000,
        )
        self.assertEqual(
            headers,
            {
                "X-Api-Key": "pk_x",
                "X-Timestamp": "1700000000",
                "X-Signature": "31801e2b0b513ffd8702df6627864bfff7abcb9075a12b4491927dbf4f46106c",
            },
        )

    def test_when_the_secret_key_is_wrong_then_signature_invalid_with_status_and_request_id(self) -> None:
        keys = new_project()
        client = MpesaBridge(base_url=service()["baseUrl"], public_key=keys["public_key"], secret_key="sk_wrong")
        with self.assertRaises(MpesaBridgeError) as caught:
            client.transactions.retrieve("txn_x")
        self.assertEqual(caught.exception.code, "signature_invalid")
        self.assertEqual(caught.exception.status, 401)
        self.assertRegex(caught.exception.request_id or "", r"^req_")

    def test_when_the_service_is_unreachable_then_network_error(self) -> None:
        client = MpesaBridge(
            base_url="http://127.0.0.1:9", public_key="pk_test_x", secret_key="sk_test_x", max_retries=0
        )
        with self.assertRaises(MpesaBridgeError) as caught:
            client.transactions.retrieve("txn_x")
        self.assertEqual(caught.exception.code, "network_error")
        self.assertIsNone(caught.exception.status)


class TransactionFieldsTest(unittest.TestCase):
    def test_when_a_request_is_linked_to_a_walk_in_payment_then_paid_as_names_it(self) -> None:
        # The JSON of a linked request as the service sends it (docs/c2b.md "One receipt, one payment").
        linked = from_json(
            Transaction,
            {
                "id": "txn_request",
                "status": "pending",
                "amount": 250,
                "currency": "KES",
                "phone": "254712345678",
                "mode": "test",
                "channel": "paybill",
                "accountReference": "INV1",
                "description": "Order",
                "createdAt": "2026-03-01T10:00:00.000Z",
                "updatedAt": "2026-03-01T10:01:00.000Z",
                "paidAs": "txn_walkin",
            },
        )
        self.assertEqual(linked.paid_as, "txn_walkin")
        # Never final, yet settled: wait_for_result returns it instead of waiting out its timeout.
        self.assertFalse(linked.is_final)
        self.assertTrue(linked.is_settled)


class InitiateTest(unittest.TestCase):
    client: MpesaBridge

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = new_client()

    def test_when_a_payment_is_initiated_then_the_simulator_completes_it_and_retrieve_shows_it(self) -> None:
        reference = order_ref()
        started = self.client.transactions.initiate(
            phone="0712345678", amount=10, account_reference=reference, metadata={"orderId": 42}
        )
        self.assertEqual(started.transaction.status, "pending")
        self.assertEqual(started.push, "accepted")
        self.assertTrue(started.client_secret)

        seen = []
        final = self.client.transactions.wait_for_result(
            started.transaction.id, timeout=20, poll_interval=0.1, on_status=seen.append
        )
        self.assertEqual(final.status, "completed")
        self.assertEqual(seen[-1], "completed")
        self.assertTrue(final.mpesa_receipt_number)
        self.assertEqual(final.amount_paid, 10)
        self.assertTrue(final.amount_verified)

        again = self.client.payments.retrieve(started.transaction.id)
        self.assertEqual(again.status, "completed")
        self.assertEqual(again.account_reference, reference)
        self.assertEqual(again.phone, "254712345678")
        self.assertEqual(again.metadata, {"orderId": 42})
        self.assertEqual(again.mpesa_receipt_number, final.mpesa_receipt_number)
        # Its own receipt: no other payment holds it, and the service says so (null, not missing).
        self.assertIn("paidAs", again.raw)
        self.assertIsNone(again.paid_as)

    def test_when_the_customer_cancels_then_the_result_is_cancelled_with_a_failure(self) -> None:
        started = self.client.transactions.initiate_test(outcome="cancelled")
        final = self.client.transactions.wait_for_result(started.transaction.id, timeout=20, poll_interval=0.1)
        self.assertEqual(final.status, "cancelled")
        assert final.failure is not None
        self.assertEqual(final.failure.code, "cancelled_by_customer")

    def test_when_the_same_idempotency_key_is_sent_twice_then_one_payment(self) -> None:
        key = "order-" + uuid.uuid4().hex
        reference = order_ref()
        first = self.client.transactions.initiate(
            phone="0712345678", amount=10, account_reference=reference, idempotency_key=key
        )
        second = self.client.transactions.initiate(
            phone="0712345678", amount=10, account_reference=reference, idempotency_key=key
        )
        self.assertEqual(second.transaction.id, first.transaction.id)
        self.assertEqual(second.idempotency_key, key)
        self.assertEqual([t.id for t in self.client.transactions.list(account_reference=reference)], [first.transaction.id])

    def test_when_the_same_key_comes_with_another_body_then_idempotency_key_reused(self) -> None:
        key = "order-" + uuid.uuid4().hex
        self.client.transactions.initiate(phone="0712345678", amount=10, account_reference="A1", idempotency_key=key)
        with self.assertRaises(MpesaBridgeError) as caught:
            self.client.transactions.initiate(
                phone="0712345678", amount=11, account_reference="A1", idempotency_key=key
            )
        self.assertEqual((caught.exception.code, caught.exception.status), ("idempotency_key_reused", 409))

    def test_when_no_key_is_given_then_each_call_is_a_payment_of_its_own(self) -> None:
        a = self.client.transactions.initiate(phone="0712345678", amount=10, account_reference="A2")
        b = self.client.transactions.initiate(phone="0712345678", amount=10, account_reference="A2")
        self.assertNotEqual(a.idempotency_key, b.idempotency_key)
        self.assertNotEqual(a.transaction.id, b.transaction.id)

    def test_when_the_amount_is_invalid_then_validation_failed_names_the_field(self) -> None:
        with self.assertRaises(MpesaBridgeError) as caught:
            self.client.transactions.initiate(phone="0712345678", amount=0, account_reference="A3")
        error = caught.exception
        self.assertEqual((error.code, error.status), ("validation_failed", 400))
        self.assertRegex(error.request_id or "", r"^req_")
        self.assertIn("amount", str(error.details))

    def test_when_the_id_is_unknown_then_transaction_not_found(self) -> None:
        with self.assertRaises(MpesaBridgeError) as caught:
            self.client.transactions.retrieve("txn_doesnotexist")
        self.assertEqual((caught.exception.code, caught.exception.status), ("transaction_not_found", 404))

    def test_when_a_settled_payment_is_reconciled_then_already_final(self) -> None:
        started = self.client.transactions.initiate_test(outcome="paid")
        self.client.transactions.wait_for_result(started.transaction.id, timeout=20, poll_interval=0.1)
        result = self.client.transactions.reconcile(started.transaction.id)
        self.assertEqual(result.reconciliation.outcome, "already_final")
        self.assertEqual(result.transaction.status, "completed")

    def test_when_the_outcomes_are_asked_for_then_paid_is_one(self) -> None:
        names = [outcome.name for outcome in self.client.transactions.test_outcomes()]
        self.assertIn("paid", names)
        self.assertIn("cancelled", names)


class ListTest(unittest.TestCase):
    def test_when_listing_by_reference_with_small_pages_then_iteration_walks_every_page(self) -> None:
        client = new_client()
        reference = order_ref()
        created = [
            client.transactions.initiate(phone="0712345678", amount=10 + i, account_reference=reference).transaction.id
            for i in range(3)
        ]
        client.transactions.initiate(phone="0712345678", amount=10, account_reference="OTHER")

        listed = client.transactions.list(account_reference=reference, limit=2)
        pages = list(listed.pages())
        self.assertEqual([len(page.data) for page in pages], [2, 1])
        self.assertIsNone(pages[-1].next_cursor)
        # Newest first.
        self.assertEqual([t.id for t in client.transactions.list(account_reference=reference, limit=1)], created[::-1])
        self.assertEqual(len(client.transactions.list(account_reference=reference, limit=1).all(max=2)), 2)

    def test_when_filtering_by_time_and_phone_form_then_the_query_is_signed_as_sent(self) -> None:
        client = new_client()
        started = client.transactions.initiate(phone="0712345678", amount=10, account_reference="T1")
        page = client.transactions.list(
            phone="+254 712 345 678", created_from="2020-01-01T00:00:00+03:00", created_to="2100-01-01T00:00:00Z"
        ).first_page()
        self.assertEqual([t.id for t in page.data], [started.transaction.id])


class RateLimitTest(unittest.TestCase):
    def test_when_a_project_sends_past_its_limit_then_rate_limited_with_retry_after(self) -> None:
        client = new_client(max_retries=0)
        limit = int(service()["rateLimitMax"])
        with self.assertRaises(MpesaBridgeError) as caught:
            for _ in range(limit + 1):
                client.transactions.list(limit=1).first_page()
        error = caught.exception
        self.assertEqual((error.code, error.status), ("rate_limited", 429))
        self.assertIsNotNone(error.retry_after)
        self.assertGreater(error.retry_after or 0, 0)


class RetryTest(unittest.TestCase):
    def test_when_no_answer_comes_then_a_read_is_retried_and_a_create_is_not(self) -> None:
        waits: list = []
        client = MpesaBridge(
            base_url="http://127.0.0.1:9", public_key="pk_test_x", secret_key="sk_test_x", max_retries=2, sleep=waits.append
        )
        with self.assertRaises(MpesaBridgeError):
            client.transactions.retrieve("txn_x")
        self.assertEqual(len(waits), 2)
        waits.clear()
        with self.assertRaises(MpesaBridgeError) as caught:
            client.webhook_endpoints.create(url="http://127.0.0.1:9/hooks")
        self.assertEqual((caught.exception.code, waits), ("network_error", []))

    def test_when_rate_limited_for_longer_than_20_seconds_then_the_error_comes_at_once(self) -> None:
        keys = new_project()
        waits: list = []
        client = MpesaBridge(base_url=service()["baseUrl"], max_retries=2, sleep=waits.append, **keys)
        with self.assertRaises(MpesaBridgeError) as caught:
            for _ in range(int(service()["rateLimitMax"]) + 1):
                client.transactions.list(limit=1).first_page()
        self.assertEqual(caught.exception.code, "rate_limited")
        self.assertGreater(caught.exception.retry_after or 0, 20)
        self.assertEqual(waits, [])


class ReplayTest(unittest.TestCase):
    """Two processes sending the same signed bytes in the same second: the service refuses the
    second as signature_replayed. Two clients on one fixed clock play the two processes."""

    def test_when_a_create_is_refused_as_replayed_then_it_is_signed_anew_and_sent_once_more(self) -> None:
        keys = new_project()
        second = int(time.time())
        first_client = MpesaBridge(base_url=service()["baseUrl"], clock=lambda: second, **keys)
        other_client = MpesaBridge(base_url=service()["baseUrl"], clock=lambda: second, **keys)
        url = "http://127.0.0.1:9/hooks"
        a = first_client.webhook_endpoints.create(url=url, description="same bytes")
        b = other_client.webhook_endpoints.create(url=url, description="same bytes")
        self.assertNotEqual(a.endpoint.id, b.endpoint.id)
        self.assertEqual(len(first_client.webhook_endpoints.list()), 2)

    def test_when_a_write_without_idempotency_key_is_refused_as_replayed_then_it_is_not_resent(self) -> None:
        keys = new_project()
        second = int(time.time())
        first_client = MpesaBridge(base_url=service()["baseUrl"], clock=lambda: second, **keys)
        other_client = MpesaBridge(base_url=service()["baseUrl"], clock=lambda: second, **keys)
        endpoint = first_client.webhook_endpoints.create(url="http://127.0.0.1:9/hooks").endpoint
        first_client.webhook_endpoints.update(endpoint.id, description="v2")
        with self.assertRaises(MpesaBridgeError) as caught:
            other_client.webhook_endpoints.update(endpoint.id, description="v2")
        self.assertEqual((caught.exception.code, caught.exception.status), ("signature_replayed", 401))


if __name__ == "__main__":
    unittest.main()

"""Webhooks through the Python SDK: the service delivers to a local receiver (http.server) and
verify_webhook accepts what it signed; anything changed or stale is refused with a code."""

import json
import time
import unittest

from mpesa_bridge import MpesaBridge, WebhookVerificationError, verify_webhook

from .receiver import Receiver
from .service import new_client

# The Standard Webhooks spec's own example (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_HEADERS = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}
SPEC_BODY = b'{"test": 2432232314}'


class StandardWebhooksTest(unittest.TestCase):
    def test_when_given_the_specs_example_then_it_verifies(self) -> None:
        event = verify_webhook(SPEC_BODY, SPEC_HEADERS, secret=SPEC_SECRET, now=1614265330)
        self.assertEqual(event.id, "msg_p5jXN8AQM9LWM0D4loKWxJek")

    def test_when_one_of_several_signatures_matches_then_it_verifies(self) -> None:
        headers = dict(SPEC_HEADERS, **{"webhook-signature": "v1,bm90IGl0 v2,abc " + SPEC_HEADERS["webhook-signature"]})
        verify_webhook(SPEC_BODY, headers, secret=SPEC_SECRET, now=1614265330)

    def test_when_the_timestamp_is_outside_the_tolerance_then_too_old_or_too_new(self) -> None:
        for now, code in ((1614265330 + 301, "webhook_timestamp_too_old"), (1614265330 - 301, "webhook_timestamp_too_new")):
            with self.assertRaises(WebhookVerificationError) as caught:
                verify_webhook(SPEC_BODY, SPEC_HEADERS, secret=SPEC_SECRET, now=now)
            self.assertEqual(caught.exception.code, code)

    def test_when_headers_are_missing_or_the_timestamp_is_not_seconds_then_refused(self) -> None:
        with self.assertRaises(WebhookVerificationError) as caught:
            verify_webhook(SPEC_BODY, {"webhook-id": "x"}, secret=SPEC_SECRET)
        self.assertEqual(caught.exception.code, "webhook_headers_missing")
        with self.assertRaises(WebhookVerificationError) as caught:
            verify_webhook(SPEC_BODY, dict(SPEC_HEADERS, **{"webhook-timestamp": "soon"}), secret=SPEC_SECRET)
        self.assertEqual(caught.exception.code, "webhook_timestamp_invalid")

    def test_when_django_meta_names_are_given_then_they_are_read(self) -> None:
        meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in SPEC_HEADERS.items()}
        self.assertEqual(verify_webhook(SPEC_BODY, meta, secret=SPEC_SECRET, now=1614265330).id, SPEC_HEADERS["webhook-id"])


class DeliveredWebhookTest(unittest.TestCase):
    client: MpesaBridge
    receiver: Receiver

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = new_client()
        cls.receiver = Receiver()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.receiver.close()

    def delivery_of(self, transaction_id: str, event_type: str):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            body, headers = self.receiver.next_delivery(timeout=deadline - time.monotonic())
            parsed = json.loads(body)
            if parsed["type"] == event_type and parsed["data"]["transaction"]["id"] == transaction_id:
                return body, headers
        self.fail(f"no {event_type} delivery for {transaction_id}")

    def test_when_a_payment_completes_then_the_delivery_verifies_and_matches_the_event_log(self) -> None:
        created = self.client.webhook_endpoints.create(
            url=self.receiver.url, event_types=["transaction.completed"], description="python receiver"
        )
        self.assertTrue(created.secret.startswith("whsec_"))
        self.assertEqual(created.endpoint.event_types, ["transaction.completed"])
        try:
            started = self.client.transactions.initiate_test(outcome="paid", amount=25)
            body, headers = self.delivery_of(started.transaction.id, "transaction.completed")

            event = verify_webhook(body, headers, secret=created.secret)
            self.assertEqual(event.type, "transaction.completed")
            self.assertEqual(event.id, headers["webhook-id"])
            transaction = event.transaction
            assert transaction is not None
            self.assertEqual((transaction.id, transaction.status, transaction.amount), (started.transaction.id, "completed", 25))

            with self.assertRaises(WebhookVerificationError) as caught:
                verify_webhook(body, headers, secret="whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")
            self.assertEqual(caught.exception.code, "webhook_signature_invalid")
            with self.assertRaises(WebhookVerificationError) as caught:
                verify_webhook(body.replace(b'"amount":25', b'"amount":2500'), headers, secret=created.secret)
            self.assertEqual(caught.exception.code, "webhook_signature_invalid")

            logged = self.client.events.list(transaction_id=started.transaction.id, type="transaction.completed").all()
            self.assertEqual([e.id for e in logged], [event.id])
            detail = self.client.events.retrieve(event.id)
            self.assertEqual(detail.deliveries[0].endpoint_id, created.endpoint.id)
            self.assertGreaterEqual(len(detail.deliveries[0].attempt_log or []), 1)
        finally:
            self.client.webhook_endpoints.delete(created.endpoint.id)

    def test_when_the_secret_is_rotated_then_deliveries_verify_with_the_old_and_the_new(self) -> None:
        created = self.client.webhook_endpoints.create(url=self.receiver.url, event_types=["transaction.failed"])
        try:
            rotated = self.client.webhook_endpoints.rotate_secret(created.endpoint.id, overlap_seconds=3600)
            self.assertNotEqual(rotated.secret, created.secret)
            self.assertIsNotNone(rotated.endpoint.previous_secret_expires_at)

            started = self.client.transactions.initiate_test(outcome="insufficient-funds")
            body, headers = self.delivery_of(started.transaction.id, "transaction.failed")
            self.assertEqual(len(headers["webhook-signature"].split(" ")), 2)
            self.assertEqual(verify_webhook(body, headers, secret=rotated.secret).type, "transaction.failed")
            self.assertEqual(verify_webhook(body, headers, secret=created.secret).type, "transaction.failed")
        finally:
            self.client.webhook_endpoints.delete(created.endpoint.id)

    def test_when_an_endpoint_is_updated_and_deleted_then_the_list_follows(self) -> None:
        created = self.client.webhook_endpoints.create(url=self.receiver.url, enabled=False)
        updated = self.client.webhook_endpoints.update(created.endpoint.id, description="renamed", enabled=True)
        self.assertEqual((updated.description, updated.enabled), ("renamed", True))
        self.assertEqual(self.client.webhook_endpoints.retrieve(created.endpoint.id).description, "renamed")
        self.client.webhook_endpoints.delete(created.endpoint.id)
        self.assertNotIn(created.endpoint.id, [e.id for e in self.client.webhook_endpoints.list()])


if __name__ == "__main__":
    unittest.main()

"""The project's M-Pesa accounts through the Python SDK, against the real service."""

import unittest
import uuid

from mpesa_bridge import MpesaBridgeError

from .service import new_client


class MpesaAccountsTest(unittest.TestCase):
    def test_when_a_simulator_account_is_added_then_it_reads_back_masked_and_can_be_changed_and_removed(self) -> None:
        client = new_client()
        secret = "cs_" + uuid.uuid4().hex
        account = client.mpesa_accounts.create(
            name="Main PayBill",
            environment="simulator",
            consumer_key="ck_" + uuid.uuid4().hex,
            consumer_secret=secret,
            shortcode="600100",
            passkey="passkey-" + uuid.uuid4().hex,
        )
        self.assertTrue(account.id.startswith("acc_"))
        self.assertEqual((account.environment, account.mode, account.shortcode), ("simulator", "test", "600100"))
        self.assertNotIn(secret, str(account.raw))
        self.assertEqual([a.id for a in client.mpesa_accounts.list()], [account.id])

        renamed = client.mpesa_accounts.update(account.id, name="Till", is_default=True)
        self.assertEqual((renamed.name, renamed.is_default), ("Till", True))
        self.assertEqual(client.mpesa_accounts.retrieve(account.id).name, "Till")

        client.mpesa_accounts.delete(account.id)
        with self.assertRaises(MpesaBridgeError) as caught:
            client.mpesa_accounts.retrieve(account.id)
        self.assertEqual((caught.exception.code, caught.exception.status), ("mpesa_account_not_found", 404))

    def test_when_a_test_key_adds_a_production_account_then_validation_refuses_it(self) -> None:
        client = new_client()
        with self.assertRaises(MpesaBridgeError) as caught:
            client.mpesa_accounts.create(
                name="Live", environment="production", consumer_key="ck", consumer_secret="cs", shortcode="600100", passkey="pk"
            )
        self.assertEqual(caught.exception.status, 400)


if __name__ == "__main__":
    unittest.main()

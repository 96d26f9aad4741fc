<?php

declare(strict_types=1);

namespace MpesaBridge\Tests;

use MpesaBridge\MpesaBridgeException;
use MpesaBridge\Tests\Support\Service;
use PHPUnit\Framework\TestCase;

/** The project's M-Pesa accounts through the PHP SDK, against the real service. */
final class MpesaAccountsTest extends TestCase
{
    public function testWhenASimulatorAccountIsAddedThenItReadsBackMaskedAndCanBeChangedAndRemoved(): void
    {
        $client = Service::newClient();
        $secret = 'cs_' . bin2hex(random_bytes(8));
        $account = $client->mpesaAccounts->create(
            name: 'Main PayBill',
            environment: 'simulator',
            consumerKey: 'ck_' . bin2hex(random_bytes(8)),
            consumerSecret: $secret,
            shortcode: '600100',
            passkey: 'passkey-' . bin2hex(random_bytes(8)),
        );
        $this->assertStringStartsWith('acc_', $account->id);
        $this->assertSame(['simulator', 'test', '600100'], [$account->environment, $account->mode, $account->shortcode]);
        $this->assertStringNotContainsString($secret, json_encode($account->raw));
        $this->assertSame([$account->id], array_map(fn ($a) => $a->id, $client->mpesaAccounts->list()));

        $renamed = $client->mpesaAccounts->update($account->id, ['name' => 'Till', 'isDefault' => true]);
        $this->assertSame(['Till', true], [$renamed->name, $renamed->isDefault]);
        $this->assertSame('Till', $client->mpesaAccounts->retrieve($account->id)->name);

        $client->mpesaAccounts->delete($account->id);
        try {
            $client->mpesaAccounts->retrieve($account->id);
            $this->fail('Expected mpesa_account_not_found');
        } catch (MpesaBridgeException $error) {
            $this->assertSame(['mpesa_account_not_found', 404], [$error->errorCode, $error->status]);
        }
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Tests;

use MpesaBridge\Tests\Support\Service;
use PHPUnit\Framework\TestCase;

/** The README's quick start, both files run as written against the real service: a reader who follows it gets a webhook verified. */
final class ReadmeQuickStartTest extends TestCase
{
    public function testWhenTheQuickStartRunsAsWrittenThenTheReceiverLogsAVerifiedCompletedEvent(): void
    {
        $readme = (string) file_get_contents(dirname(__DIR__) . '/README.md');
        $dir = sys_get_temp_dir() . '/mpesa-bridge-php-quickstart-' . bin2hex(random_bytes(6));
        mkdir($dir . '/vendor', 0777, true);
        // What `composer require` would give: an autoloader for MpesaBridge\.
        file_put_contents($dir . '/vendor/autoload.php', "<?php\nrequire " . var_export(__DIR__ . '/bootstrap.php', true) . ";\n");

        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $address = (string) stream_socket_get_name($probe, false);
        fclose($probe);
        $port = substr($address, strrpos($address, ':') + 1);
        foreach (['webhook.php', 'pay.php'] as $name) {
            $this->assertSame(1, preg_match('/<!-- quickstart: ' . preg_quote($name, '/') . " -->\n```php\n(.*?)```/s", $readme, $block), "README.md has no {$name} block");
            // The README's port, 4242, may be taken on a test machine: the receiver gets a free one.
            file_put_contents("{$dir}/{$name}", str_replace('127.0.0.1:4242', "127.0.0.1:{$port}", $block[1]));
        }

        $receiver = proc_open([PHP_BINARY, '-S', "127.0.0.1:{$port}", 'webhook.php'], [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, $dir);
        try {
            $keys = Service::newProject();
            $env = ['MPESA_BRIDGE_URL' => Service::info()['baseUrl'], 'PUBLIC_KEY' => $keys['publicKey'], 'SECRET_KEY' => $keys['secretKey']] + getenv();
            $pay = proc_open([PHP_BINARY, 'pay.php'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $payPipes, $dir, $env);
            fclose($payPipes[0]);
            $output = stream_get_contents($payPipes[1]);
            $errors = stream_get_contents($payPipes[2]);
            $this->assertSame(0, proc_close($pay), $output . $errors);
            $this->assertMatchesRegularExpression('/^txn_\w+: completed, receipt \w+\n$/', (string) $output);

            $deadline = microtime(true) + 15;
            $logged = '';
            while (!str_contains($logged, "\n") && microtime(true) < $deadline) {
                usleep(20_000);
                $logged = is_file("{$dir}/events.log") ? (string) file_get_contents("{$dir}/events.log") : '';
            }
            $this->assertMatchesRegularExpression('/^verified transaction\.completed: txn_\w+, receipt \w+\n$/', $logged);
        } finally {
            proc_terminate($receiver);
            proc_close($receiver);
            array_map('unlink', glob("{$dir}/vendor/*") ?: []);
            rmdir("{$dir}/vendor");
            array_map('unlink', glob("{$dir}/*") ?: []);
            rmdir($dir);
        }
    }
}

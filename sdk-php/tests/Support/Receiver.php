<?php

declare(strict_types=1);

namespace MpesaBridge\Tests\Support;

/** A webhook receiver on a free local port: PHP's built-in server with webhook-router.php as its router. */
final class Receiver
{
    public readonly string $url;
    private string $dir;
    /** @var resource */
    private $process;
    /** @var array<string, true> */
    private array $seen = [];

    public function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/mpesa-bridge-php-receiver-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($probe, false);
        fclose($probe);
        $port = (int) substr((string) $address, strrpos((string) $address, ':') + 1);
        $process = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:{$port}", __DIR__ . '/webhook-router.php'],
            [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['RECEIVER_DIR' => $this->dir],
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('Could not start php -S');
        }
        $this->process = $process;
        $this->url = "http://127.0.0.1:{$port}/hooks/mpesa";
        self::until(10.0, static function () use ($port): bool {
            $socket = @fsockopen('127.0.0.1', $port, $errno, $error, 0.2);
            if ($socket === false) {
                return false;
            }
            fclose($socket);
            return true;
        }, 'the receiver to listen');
    }

    /**
     * The first delivery not taken yet that $matches, waiting for it.
     *
     * @param callable(array<string, mixed>): bool $matches given the decoded body
     * @return array{0: string, 1: array<string, string>} raw body and headers
     */
    public function next(callable $matches, float $timeout = 15.0): array
    {
        $found = null;
        self::until($timeout, function () use ($matches, &$found): bool {
            $files = glob($this->dir . '/*.json') ?: [];
            sort($files);
            foreach ($files as $file) {
                if (isset($this->seen[$file])) {
                    continue;
                }
                $record = json_decode((string) file_get_contents($file), true);
                if (!is_array($record)) {
                    continue; // still being written
                }
                $body = base64_decode($record['body']);
                if ($matches(json_decode($body, true) ?? [])) {
                    $this->seen[$file] = true;
                    $found = [$body, $record['headers']];
                    return true;
                }
            }
            return false;
        }, 'a matching webhook delivery');
        return $found;
    }

    public function close(): void
    {
        proc_terminate($this->process);
        proc_close($this->process);
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }

    private static function until(float $timeout, callable $condition, string $what): void
    {
        $deadline = microtime(true) + $timeout;
        while (!$condition()) {
            if (microtime(true) > $deadline) {
                throw new \RuntimeException("Timed out waiting for {$what}");
            }
            usleep(20_000);
        }
    }
}

<?php

declare(strict_types=1);

namespace MpesaBridge\Tests\Support;

use MpesaBridge\MpesaBridge;

/**
 * The real mpesa-bridge service for these tests: scripts/sdk-test-server.ts started once per run
 * (simulator mode, a free port, a fresh data directory), stopped when PHPUnit ends (its stdin
 * closes). Every test class makes a project of its own, so rate limits never cross.
 */
final class Service
{
    /** @var array<string, mixed>|null */
    private static ?array $info = null;
    /** @var resource|null */
    private static $process = null;
    /** @var array<int, resource> */
    private static array $pipes = [];

    /** @return array<string, mixed> {baseUrl, adminToken, publicKey, secretKey, ..., rateLimitMax} */
    public static function info(): array
    {
        if (self::$info !== null) {
            return self::$info;
        }
        $root = dirname(__DIR__, 3);
        // tsx as a loader in this one process, so stopping it stops the service too.
        $process = proc_open(
            ['node', '--import', 'tsx', 'scripts/sdk-test-server.ts'],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
            $pipes,
            $root,
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('Could not start scripts/sdk-test-server.ts');
        }
        self::$process = $process;
        self::$pipes = $pipes;
        $line = fgets($pipes[1]);
        if ($line === false) {
            throw new \RuntimeException('scripts/sdk-test-server.ts exited before printing its URL');
        }
        self::$info = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        register_shutdown_function([self::class, 'stop']);
        return self::$info;
    }

    public static function stop(): void
    {
        if (self::$process === null) {
            return;
        }
        fclose(self::$pipes[0]);
        fclose(self::$pipes[1]);
        proc_close(self::$process);
        self::$process = null;
    }

    /** @return array{publicKey: string, secretKey: string} a fresh project's test keys, made with the admin token as an operator does */
    public static function newProject(string $name = 'PHP SDK test'): array
    {
        $info = self::info();
        $handle = curl_init($info['baseUrl'] . '/api/v1/projects');
        curl_setopt_array($handle, [
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => json_encode(['name' => $name]),
            CURLOPT_HTTPHEADER => ['Authorization: Bearer ' . $info['adminToken'], 'Content-Type: application/json'],
            CURLOPT_RETURNTRANSFER => true,
        ]);
        $created = json_decode((string) curl_exec($handle), true, 512, JSON_THROW_ON_ERROR);
        curl_close($handle);
        return ['publicKey' => $created['project']['keys']['test']['publicKey'], 'secretKey' => $created['secretKeys']['test']];
    }

    /**
     * A call with the admin token, as an operator makes it (projects, payout settings, dashboard
     * users): the decoded answer; a status outside 2xx fails.
     *
     * @return array<string, mixed>
     */
    public static function admin(string $method, string $path, mixed $body): array
    {
        $info = self::info();
        $handle = curl_init($info['baseUrl'] . $path);
        curl_setopt_array($handle, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_POSTFIELDS => json_encode($body),
            CURLOPT_HTTPHEADER => ['Authorization: Bearer ' . $info['adminToken'], 'Content-Type: application/json'],
            CURLOPT_RETURNTRANSFER => true,
        ]);
        $text = (string) curl_exec($handle);
        $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        curl_close($handle);
        if ($status < 200 || $status >= 300) {
            throw new \RuntimeException("{$method} {$path}: {$status} {$text}");
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** A client of a fresh project; named arguments go to MpesaBridge. */
    public static function newClient(mixed ...$options): MpesaBridge
    {
        return new MpesaBridge(...array_merge(['baseUrl' => self::info()['baseUrl']], self::newProject(), $options));
    }
}

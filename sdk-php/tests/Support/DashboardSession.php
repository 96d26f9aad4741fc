<?php

declare(strict_types=1);

namespace MpesaBridge\Tests\Support;

/**
 * A dashboard user of one project, signed in as a browser is (session cookie, CSRF token): what
 * approving or rejecting a payout batch takes, since the SDK's keys never can (four eyes).
 */
final class DashboardSession
{
    private const PASSWORD = 'correct horse battery staple';
    private readonly string $base;
    private string $cookie = '';
    private readonly string $csrf;

    public function __construct(private readonly string $projectId)
    {
        $this->base = Service::info()['baseUrl'];
        $email = 'approver-' . bin2hex(random_bytes(5)) . '@shop.example';
        Service::admin('POST', '/api/v1/dashboard/users', [
            'email' => $email,
            'password' => self::PASSWORD,
            'name' => 'Wanjiku',
            'role' => 'member',
            'projectIds' => [$projectId],
        ]);
        [$status, $body] = $this->send('/api/v1/dashboard/session', ['email' => $email, 'password' => self::PASSWORD], []);
        if ($status !== 201) {
            throw new \RuntimeException("sign-in: {$status}");
        }
        $this->csrf = (string) $body['csrfToken'];
    }

    /**
     * @param array<string, mixed> $body
     * @return array{0: int, 1: array<string, mixed>}
     */
    public function post(string $path, array $body): array
    {
        return $this->send($path, $body, [
            'Cookie: ' . $this->cookie,
            'X-CSRF-Token: ' . $this->csrf,
            'X-Project-Id: ' . $this->projectId,
            'X-Mode: test',
        ]);
    }

    /**
     * @param array<string, mixed> $body
     * @param list<string> $headers
     * @return array{0: int, 1: array<string, mixed>}
     */
    private function send(string $path, array $body, array $headers): array
    {
        $handle = curl_init($this->base . $path);
        curl_setopt_array($handle, [
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => json_encode($body === [] ? new \stdClass() : $body),
            CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json', 'Origin: ' . $this->base], $headers),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADERFUNCTION => function ($handle, string $line): int {
                if ($this->cookie === '' && preg_match('/^set-cookie:\s*([^;]+)/i', $line, $found) === 1) {
                    $this->cookie = trim($found[1]);
                }
                return strlen($line);
            },
        ]);
        $text = (string) curl_exec($handle);
        $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        curl_close($handle);
        return [$status, json_decode($text, true, 512, JSON_THROW_ON_ERROR)];
    }
}

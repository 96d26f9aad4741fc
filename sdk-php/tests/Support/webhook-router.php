<?php

// The router of a `php -S` webhook receiver: every request is kept as a JSON file (raw body
// base64, headers as received) in RECEIVER_DIR, and answered 200.
$dir = getenv('RECEIVER_DIR');
$record = ['body' => base64_encode((string) file_get_contents('php://input')), 'headers' => getallheaders()];
file_put_contents($dir . '/' . sprintf('%.6f', microtime(true)) . '-' . bin2hex(random_bytes(4)) . '.json', json_encode($record));
http_response_code(200);

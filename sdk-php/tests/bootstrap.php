<?php

declare(strict_types=1);

// The composer.json PSR-4 map, without needing `composer install` first (the SDK has no runtime
// dependencies; PHPUnit comes from the system here).
if (is_file(__DIR__ . '/../vendor/autoload.php')) {
    require __DIR__ . '/../vendor/autoload.php';
}
spl_autoload_register(static function (string $class): void {
    foreach (['MpesaBridge\\Tests\\' => __DIR__ . '/', 'MpesaBridge\\' => __DIR__ . '/../src/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

<?php

declare(strict_types=1);

namespace MpesaBridge;

/** A webhook delivery that must not be trusted: answer it with 400 and do not act on it. */
final class WebhookVerificationException extends MpesaBridgeException
{
}

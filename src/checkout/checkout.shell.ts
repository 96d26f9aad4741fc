// The hosted page's HTML: a static shell, the same for every link and session, whose script
// (checkout/src, built into checkout/build and served under /checkout/assets) reads what to show
// through the public API. Paths are relative, so the pages work under a proxy's path prefix.
export const CHECKOUT_ASSETS_PATH = '/checkout/assets';

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Pay with M-Pesa</title>
<link rel="stylesheet" href="..${CHECKOUT_ASSETS_PATH}/page.css">
<script defer src="..${CHECKOUT_ASSETS_PATH}/page.js"></script>
</head>
<body>
<main id="app" class="card" aria-live="polite" aria-busy="true">
<p class="muted">Loading… / Inapakia…</p>
<noscript><p>This payment page needs JavaScript. / Ukurasa huu wa malipo unahitaji JavaScript.</p></noscript>
</main>
</body>
</html>
`;

export function renderCheckoutShell(): string {
  return SHELL;
}

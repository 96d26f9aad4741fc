"""The request signature the service checks (docs/api.md, "Signing requests"): hex HMAC-SHA256,
keyed with the secret key, over ``"<unix seconds>\\n<METHOD>\\n<path with query>\\n<raw body>"``.

The service checks the path it receives, so sign the exact path and query string that go on the
wire, and send the exact body bytes that were signed.
"""

import hashlib
import hmac
import time
from typing import Dict, Optional


def sign_request(
    *,
    public_key: str,
    secret_key: str,
    method: str,
    path_with_query: str,
    body: str,
    timestamp: Optional[int] = None,
) -> Dict[str, str]:
    """The ``X-Api-Key``, ``X-Timestamp`` and ``X-Signature`` headers of one request."""
    seconds = str(int(time.time()) if timestamp is None else timestamp)
    message = f"{seconds}\n{method.upper()}\n{path_with_query}\n{body}".encode("utf-8")
    signature = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return {"X-Api-Key": public_key, "X-Timestamp": seconds, "X-Signature": signature}

"""A webhook receiver on a free local port (http.server in a thread): it keeps every delivery's
raw body and headers, answers 200, and lets a test wait for the next one."""

import http.server
import queue
import threading
from typing import Dict, Tuple

Delivery = Tuple[bytes, Dict[str, str]]


class Receiver:
    def __init__(self) -> None:
        deliveries: "queue.Queue[Delivery]" = queue.Queue()
        self.deliveries = deliveries

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                deliveries.put((body, {name: value for name, value in self.headers.items()}))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/mpesa"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def next_delivery(self, timeout: float = 15.0) -> Delivery:
        return self.deliveries.get(timeout=timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

"""The real mpesa-bridge service for these tests: scripts/sdk-test-server.ts started once per test
run (simulator mode, a free port, a fresh data directory), stopped when this process ends (its
stdin closes). Every test class makes a project of its own, so rate limits never cross."""

import atexit
import json
import os
import shutil
import subprocess
import threading
import urllib.request
from typing import Any, Dict, Optional

from mpesa_bridge import MpesaBridge

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_lock = threading.Lock()
_service: Optional[Dict[str, Any]] = None
_process: Optional["subprocess.Popen[str]"] = None


def service() -> Dict[str, Any]:
    """{baseUrl, adminToken, publicKey, secretKey, ..., rateLimitMax} of the running service."""
    global _service, _process
    with _lock:
        if _service is None:
            node = shutil.which("node") or "node"
            # tsx as a loader in this one process, so stopping it stops the service too.
            _process = subprocess.Popen(
                [node, "--import", "tsx", os.path.join("scripts", "sdk-test-server.ts")],
                cwd=REPO_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            line = _process.stdout.readline() if _process.stdout else ""
            if not line:
                raise RuntimeError(f"scripts/sdk-test-server.ts exited with {_process.wait()}")
            _service = json.loads(line)
            atexit.register(_stop)
        return _service


def _stop() -> None:
    if _process is not None and _process.stdin is not None:
        _process.stdin.close()
        try:
            _process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _process.kill()


def new_project(name: str = "Python SDK test") -> Dict[str, str]:
    """A fresh project made with the admin token, as an operator does: its test keys."""
    running = service()
    request = urllib.request.Request(
        running["baseUrl"] + "/api/v1/projects",
        data=json.dumps({"name": name}).encode(),
        headers={"Authorization": "Bearer " + running["adminToken"], "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        created = json.loads(response.read())
    return {
        "public_key": created["project"]["keys"]["test"]["publicKey"],
        "secret_key": created["secretKeys"]["test"],
    }


def new_client(**options: Any) -> MpesaBridge:
    """A client of a fresh project; ``options`` go to MpesaBridge (keys may be overridden)."""
    keys = new_project()
    keys.update(options)
    return MpesaBridge(base_url=service()["baseUrl"], **keys)  # type: ignore[arg-type]

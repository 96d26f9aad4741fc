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
import uuid
from typing import Any, Dict, Optional, TypedDict

from mpesa_bridge import MpesaBridge

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_lock = threading.Lock()
_service: Optional[Dict[str, Any]] = None
_process: Optional["subprocess.Popen[str]"] = None


def service() -> Dict[str, Any]:
    """{baseUrl, adminToken, publicKey, secretKey, ..., rateLimitMax} of the running service."""
    global _service
    with _lock:
        running = _service if _service is not None else _start()
        _service = running
        return running


def _start() -> Dict[str, Any]:
    global _process
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
    atexit.register(_stop)
    started: Dict[str, Any] = json.loads(line)
    return started


def _stop() -> None:
    if _process is not None and _process.stdin is not None:
        _process.stdin.close()
        try:
            _process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _process.kill()


class Keys(TypedDict):
    public_key: str
    secret_key: str


def new_project(name: str = "Python SDK test") -> Keys:
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


def admin(method: str, path: str, body: Any) -> Dict[str, Any]:
    """A call with the admin token, as an operator makes it (projects, payout settings, dashboard users)."""
    running = service()
    request = urllib.request.Request(
        running["baseUrl"] + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + running["adminToken"], "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answered: Dict[str, Any] = json.loads(response.read())
        return answered


class DashboardSession:
    """A dashboard user of one project, signed in as a browser is (session cookie, CSRF token): what
    approving a payout batch takes, since the SDK's keys never can (four eyes)."""

    def __init__(self, project_id: str) -> None:
        self._base = service()["baseUrl"]
        self._project_id = project_id
        email = f"approver-{uuid.uuid4().hex[:10]}@shop.example"
        password = "correct horse battery staple"
        admin(
            "POST",
            "/api/v1/dashboard/users",
            {"email": email, "password": password, "name": "Wanjiku", "role": "member", "projectIds": [project_id]},
        )
        request = urllib.request.Request(
            self._base + "/api/v1/dashboard/session",
            data=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json", "Origin": self._base},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            self._cookie = response.headers["Set-Cookie"].split(";")[0]
            self._csrf = json.loads(response.read())["csrfToken"]

    def post(self, path: str, body: Any) -> Dict[str, Any]:
        request = urllib.request.Request(
            self._base + path,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Origin": self._base,
                "Cookie": self._cookie,
                "X-CSRF-Token": self._csrf,
                "X-Project-Id": self._project_id,
                "X-Mode": "test",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answered: Dict[str, Any] = json.loads(response.read())
            return answered


def new_client(**options: Any) -> MpesaBridge:
    """A client of a fresh project; ``options`` go to MpesaBridge (keys may be overridden)."""
    return MpesaBridge(**{"base_url": service()["baseUrl"], **new_project(), **options})

"""The README's quick start, run as written against the real service: a reader who follows it gets
a webhook verified."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from .service import new_project, service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def quickstart_block() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        found = re.search(r"<!-- quickstart: quickstart.py -->\n```python\n(.*?)```", readme.read(), re.S)
    assert found is not None, "README.md has no quick start block"
    return found.group(1)


class ReadmeQuickStartTest(unittest.TestCase):
    def test_when_the_quick_start_runs_as_written_then_it_prints_a_verified_completed_event(self) -> None:
        keys = new_project()
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "quickstart.py")
            with open(script, "w", encoding="utf-8") as file:
                file.write(quickstart_block())
            env = dict(
                os.environ,
                PYTHONPATH=os.path.join(ROOT, "src"),
                MPESA_BRIDGE_URL=service()["baseUrl"],
                PUBLIC_KEY=keys["public_key"],
                SECRET_KEY=keys["secret_key"],
            )
            run = subprocess.run(
                [sys.executable, script], env=env, capture_output=True, text=True, timeout=90, cwd=folder
            )
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout, r"^verified transaction\.completed: txn_\w+, receipt \w+\n$")

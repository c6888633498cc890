"""Each example script runs to completion and says what it should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_quickstart_takes_a_complaint_to_closure() -> None:
    out = run("quickstart.py")
    assert "received" in out
    assert "closed" in out
    assert "no problems" in out

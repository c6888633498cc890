"""Every Python code block in the README and the docs runs, page by page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
# A page whose blocks set up a framework for the whole process (Django's settings can be
# configured once per interpreter) says so, and the packages it needs, in a comment:
# <!-- docs-test: own-process, needs django -->
OWN_PROCESS = re.compile(r"<!-- docs-test: own-process, needs ([\w, ]+) -->")


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_code_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    own_process = OWN_PROCESS.search(page.read_text(encoding="utf-8"))
    if own_process:
        for package in own_process.group(1).replace(",", " ").split():
            pytest.importorskip(package)
        script = "\n".join(python_blocks(page))
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.name} block {number}", "exec")
        exec(code, namespace)


def test_docs_have_code_to_run() -> None:
    assert sum(len(python_blocks(p)) for p in PAGES) >= 8

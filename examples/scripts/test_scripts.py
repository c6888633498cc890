"""Each example script runs to completion and says what it should."""

from __future__ import annotations

import json
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


def test_the_helpdesk_app_resolves_a_complaint_that_conforms() -> None:
    out = run("helpdesk_app.py")
    assert out.startswith("ISO 10002 conformance at")
    assert ": PASSED" in out.splitlines()[0]


def test_the_ci_check_fails_the_build_on_findings_and_writes_its_report(tmp_path: Path) -> None:
    report, checklist = tmp_path / "conformance.json", tmp_path / "checklist.md"
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "conformance_ci.py"),
            "--complaints",
            "200",
            "--report",
            str(report),
            "--checklist",
            str(checklist),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The simulated quarter misses some of the FCA's deadlines (DISP 1.6.2R).
    assert done.returncode == 1, done.stderr
    assert "timeliness.response_deadlines_met" in done.stdout
    assert json.loads(report.read_text())["passed"] is False
    assert checklist.read_text().startswith("| Clause | Heading |")


def test_the_ci_check_passes_when_only_major_findings_fail_the_build() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "conformance_ci.py"),
            "--complaints",
            "120",
            "--fail-at",
            "major",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_the_management_review_job_writes_the_page_and_the_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "management_review.py"),
            "--complaints",
            "40",
            "--out-dir",
            str(tmp_path),
            "--strict",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    # The simulated quarter misses a deadline or two, so a principle fails under --strict.
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("Management review of 2026Q3 (fca.disp.standard)")
    assert "Complaints received" in done.stdout
    page = (tmp_path / "review-2026Q3.html").read_text(encoding="utf-8")
    assert page.count("<svg ") == 5
    figures = json.loads((tmp_path / "review-2026Q3.json").read_text(encoding="utf-8"))
    assert figures["summary"]["received"] == 40
    assert (tmp_path / "review-2026Q3.csv").read_text(encoding="utf-8").startswith("section,")


def test_the_nightly_import_stores_every_row_once_with_workers(tmp_path: Path) -> None:
    db = tmp_path / "complaints.sqlite3"
    out = run("nightly_import.py", "--rows", "600", "--workers", "2", "--db", str(db))
    lines = out.splitlines()
    assert lines[0].endswith("600 rows: 600 imported, 0 skipped as duplicates, 0 refused")
    assert "again: " in out
    assert out.rstrip().endswith("600 complaints verified: ok")
    assert ": 600 rows: 0 imported, 600 skipped as duplicates, 0 refused" in out

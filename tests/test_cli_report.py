"""``iso10002 report`` (the management review) and ``iso10002 demo --report``."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest

from iso10002.cli import main
from iso10002.storage import SQLiteStore
from iso10002.testing.builders import START, conforming_history, history_to

AFTER = (START + timedelta(weeks=10)).isoformat()  # the late complaint is past its deadline


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A first quarter of 2026: one complaint handled well, one left waiting for an answer."""
    path = tmp_path / "complaints.sqlite3"
    with SQLiteStore(path) as store:
        store.create(conforming_history())
        store.create(history_to("investigating", "C-LATE"))
    return path


def run(*argv: str) -> int:
    return main(list(argv))


def test_report_writes_the_page_and_the_figures(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, data, table = tmp_path / "q1.html", tmp_path / "q1.json", tmp_path / "q1.csv"
    code = run(
        "report", "--db", str(db), "--period", "2026Q1", "--preset", "fca.disp.standard",
        "--out", str(page), "--json", str(data), "--csv", str(table), "--at", AFTER,
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "2026Q1: 2 received, 1 closed, 1 open at the end; conformance FAILED"
    )
    assert f"wrote {page}" in out
    assert page.read_text(encoding="utf-8").count("<svg ") == 5
    review = json.loads(data.read_text(encoding="utf-8"))
    assert review["policy"] == "fca.disp.standard"
    assert review["summary"]["received"] == 2
    assert review["at"] == AFTER
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ["key figures", "received", "2"] in rows


def test_the_period_is_in_the_presets_time_zone_unless_told(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("report", "--db", str(db), "--period", "2026-01", "--preset", "fca.disp.standard",
        "--format", "json")  # fmt: skip
    assert json.loads(capsys.readouterr().out)["period"]["start"] == "2026-01-01T00:00:00+00:00"
    run("report", "--db", str(db), "--period", "2026-07", "--preset", "fca.disp.standard",
        "--format", "json")  # fmt: skip
    assert json.loads(capsys.readouterr().out)["period"]["start"] == "2026-07-01T00:00:00+01:00"
    run("report", "--db", str(db), "--period", "2026-07", "--preset", "fca.disp.standard",
        "--zone", "UTC", "--format", "json")  # fmt: skip
    assert json.loads(capsys.readouterr().out)["period"]["start"] == "2026-07-01T00:00:00+00:00"


def test_format_prints_the_figures_for_scripts(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("report", "--db", str(db), "--period", "2026Q1", "--format", "csv") == 0
    out = capsys.readouterr().out
    assert out.startswith("section,figure,value\r\n")
    assert "summary,received,2\r\n" in out


def test_strict_exits_1_when_a_principle_fails(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "q1.html"
    argv = ["report", "--db", str(db), "--period", "2026Q1", "--preset", "fca.disp.standard",
            "--at", AFTER, "--out", str(page), "--quiet"]  # fmt: skip
    assert run(*argv, "--strict") == 1
    assert page.exists()  # written all the same
    assert run(*argv, "--strict", "--fail-at", "critical") == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--period", "2026Q1"],  # nothing to write
        ["--period", "summer", "--out", "{tmp}/r.html"],
        ["--period", "2026Q1", "--out", "{tmp}/r.pdf"],
        ["--period", "2026Q1", "--out", "{tmp}/no/such/folder/r.html"],
        ["--period", "2026Q1", "--out", "{tmp}/r.html", "--preset", "no.such.preset"],
        ["--period", "2026Q1", "--out", "{tmp}/r.html", "--at", "2026-03-31T12:00"],  # naive
    ],
)
def test_bad_usage_exits_2_with_a_message(
    db: Path, tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("report", "--db", str(db), *(a.format(tmp=tmp_path) for a in argv))
    assert exit_.value.code == 2
    assert "iso10002: error:" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))


def test_a_missing_store_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite3"
    with pytest.raises(SystemExit):
        run("report", "--db", str(missing), "--period", "2026Q1", "--out", str(tmp_path / "r.html"))
    assert not missing.exists()


def test_report_help_has_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("report", "--help")
    out = capsys.readouterr().out
    assert "iso10002 report --db complaints.sqlite3 --period 2026Q3 --out report.html" in out
    examples, _, codes = out.partition("exit codes:")
    assert "  iso10002 report " in examples.split("example")[-1]
    assert codes.startswith("\n  0  the review was written\n  1  with --strict")
    assert "\n  2  bad usage" in codes
    with pytest.raises(SystemExit):
        run("--help")
    assert "report" in capsys.readouterr().out


def test_the_demo_writes_its_quarters_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "review.html"
    code = run("demo", "--complaints", "12", "--seed", "3", "--dir", str(tmp_path),
               "--report", str(page))  # fmt: skip
    assert code == 0
    assert f"Management review: {page}" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    assert "2026Q3" in text
    assert text.count("<svg ") == 5  # the demo's FCA policy gives the SLA chart


def test_the_demo_refuses_a_report_name_before_simulating(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        run("demo", "--complaints", "5", "--dir", str(tmp_path), "--report", "review.doc")
    assert not list(tmp_path.iterdir())

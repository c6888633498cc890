"""``iso10002 import`` and ``iso10002 export``: summaries, JSON for scripts, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from iso10002.cli import main
from iso10002.metrics.import_cfpb import sample_rows, write_sample
from iso10002.storage import SQLiteStore

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cfpb_sample.csv"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "complaints.csv"
    shutil.copy(SAMPLE, path)
    return path


def test_import_prints_the_summary_and_stores_the_rows(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.sqlite3"
    assert main(["import", str(sample), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"{sample}: 14 rows: 14 imported, 0 skipped as duplicates, 0 refused"
    assert "importing" in err  # the progress bar, on standard error
    with SQLiteStore(db) as store:
        assert store.count() == 14


def test_import_with_workers_reports_and_stores_the_same(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone, helped = str(tmp_path / "alone.sqlite3"), str(tmp_path / "helped.sqlite3")
    assert main(["import", str(sample), "--db", alone, "--json", "--no-progress"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["import", str(sample), "--db", helped, "--json", "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    with SQLiteStore(alone) as one, SQLiteStore(helped) as other:
        assert list(other.find()) == list(one.find())
    with pytest.raises(SystemExit) as exited:
        main(["import", str(sample), "--db", helped, "--workers", "-1"])
    assert exited.value.code == 2
    assert "workers: -1 is not a non-negative whole number" in capsys.readouterr().err


def test_import_again_skips_every_row_as_a_duplicate(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    main(["import", str(sample), "--db", db, "--quiet"])
    assert main(["import", str(sample), "--db", db, "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["duplicates"], report["refused"]) == (0, 14, 0)


def test_import_lists_refused_rows_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(sample_rows(5, seed=1))
    rows[2]["Date sent to company"] = "31/31/2026"
    rows[3]["Product"] = "\x1b[31mred"
    path = tmp_path / "bad.csv"
    write_sample(path, rows)
    code = main(["import", str(path), "--db", str(tmp_path / "c.sqlite3"), "--no-progress"])
    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("5 rows: 3 imported, 0 skipped as duplicates, 2 refused")
    assert lines[1].startswith("  - row 3 (line 4), Date sent to company: is not")
    assert lines[2].startswith("  - row 4 (line 5), Product: contains control characters")
    assert "\x1b" not in "\n".join(lines)  # shown escaped, never sent to the terminal
    assert "\\x1b[31mred" in lines[2]


def test_import_refuses_a_file_it_cannot_read_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Complaint ID\n1,é\n".encode("latin-1"))
    with pytest.raises(SystemExit) as exited:
        main(["import", str(path), "--db", str(tmp_path / "c.sqlite3")])
    assert exited.value.code == 2
    assert "not UTF-8 text" in capsys.readouterr().err


def test_import_takes_json_lines_by_name_and_an_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.ndjson"
    write_sample(path, sample_rows(7, seed=2), format="jsonl")
    db = str(tmp_path / "c.sqlite3")
    assert main(["import", str(path), "--db", db, "--quiet", "--encoding", "utf-8"]) == 0
    with SQLiteStore(db) as store:
        assert store.count() == 7


def test_export_writes_the_filtered_complaints_as_cfpb_csv(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    main(["import", str(sample), "--db", db, "--quiet"])
    out = tmp_path / "q3.csv"
    argv = ["export", "--db", db, "--period", "2026Q3", "--company", "ACME", "--out", str(out)]
    assert main([*argv, "--at", "2026-12-01T00:00:00Z"]) == 0
    assert capsys.readouterr().err.strip() == f"exported 7 complaints to {out}"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert {r["Company"] for r in rows} == {"ACME"}
    assert sorted(r["Complaint ID"] for r in rows) == [
        "9100001",
        "9100002",
        "9100003",
        "9100004",
        "9100005",
        "9100010",
        "9100011",
    ]
    main(["export", "--db", db, "--state", "received", "--quiet"])
    (only,) = csv.DictReader(capsys.readouterr().out.splitlines())
    assert only["Complaint ID"] == "9100006"


def test_export_refuses_a_store_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", "--db", str(tmp_path / "none.sqlite3")])
    assert exited.value.code == 2


def test_export_refuses_a_period_it_cannot_read(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    main(["import", str(sample), "--db", db, "--quiet"])
    with pytest.raises(SystemExit):
        main(["export", "--db", db, "--period", "someday"])
    assert "is not a period" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["import", "export"])
def test_each_command_explains_itself_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert f"iso10002 {command} " in text.split("examples:")[1]


def test_export_to_a_file_prints_its_summary_as_json(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    main(["import", str(sample), "--db", db, "--quiet"])
    out = tmp_path / "all.csv"
    assert main(["export", "--db", db, "--out", str(out), "--json"]) == 0
    printed = capsys.readouterr()
    assert json.loads(printed.out) == {"exported": 14, "out": str(out)}
    assert len(list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))) == 14


def test_export_to_standard_output_keeps_the_json_summary_out_of_the_csv(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    main(["import", str(sample), "--db", db, "--quiet"])
    assert main(["export", "--db", db, "--state", "received", "--json"]) == 0
    printed = capsys.readouterr()
    assert json.loads(printed.err) == {"exported": 1, "out": None}
    (only,) = csv.DictReader(printed.out.splitlines())
    assert only["Complaint ID"] == "9100006"

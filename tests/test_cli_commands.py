"""The command line's checking commands: verify, check and overdue, with their exit codes."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from iso10002.cli import main
from iso10002.sla import presets
from iso10002.storage import SQLiteStore, open_store
from iso10002.testing.builders import START, conforming_history, history_to

AFTER = (START + timedelta(weeks=10)).isoformat()  # both complaints judged long after receipt


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with one complaint handled well and one left waiting for its final response."""
    path = tmp_path / "complaints.sqlite3"
    policy = presets.get("fca.disp.standard")
    with SQLiteStore(path) as store:
        for events in (conforming_history(), history_to("investigating", "C-LATE")):
            store.create(events)
        late = store.get("C-LATE")
        store.create(
            history_to("received", "C-DUE"), next_due=policy.next_due(late, late.received_at)
        )
    return path


def run(*argv: str) -> int:
    return main(list(argv))


def test_verify_passes_on_an_untouched_store(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("verify", "--db", str(db)) == 0
    assert "3 complaints verified, no problems" in capsys.readouterr().out


def test_verify_exits_1_and_names_a_tampered_complaint(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # ISO 10002 4.9
    with sqlite3.connect(db) as raw:  # behind the store's back, its append-only guard dropped
        triggers = raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in triggers.fetchall():
            raw.execute(f'DROP TRIGGER "{name}"')
        raw.execute(
            "UPDATE events SET public = replace(public, 'medium', 'low') "
            "WHERE complaint_id = 'C-LATE'"
        )
    assert run("verify", "--db", str(db), "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["broken"] == ["C-LATE"]


def test_check_fails_timeliness_for_the_complaints_without_a_final_response(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("check", "--db", str(db), "--policy", "fca.disp.standard", "--at", AFTER, "--json")
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    timeliness = next(p for p in report["principles"] if p["principle"] == "timeliness")
    assert timeliness["status"] == "fail"
    findings = [f for c in timeliness["clauses"] for f in c["findings"]]
    assert {f["complaint_id"] for f in findings} == {"C-LATE", "C-DUE"}  # not the handled one


def test_check_without_a_policy_says_what_it_did_not_check(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("check", "--db", str(db), "--at", AFTER)
    assert "not checked" in capsys.readouterr().out


def test_overdue_lists_the_complaints_past_their_next_deadline(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["overdue", "--db", str(db), "--at", AFTER, "--policy", "fca.disp.standard"]
    assert run(*args, "--json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == "C-DUE"
    assert {b["target"] for b in row["breached"]} >= {"acknowledge"}
    assert run(*args, "--fail-if-any", "--quiet") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "--db", "/no/such/file.sqlite3"],
        ["check", "--db", "{db}", "--at", "2026-01-05T09:00"],  # naive
        ["check", "--db", "{db}", "--policy", "fca.disp.8weeks"],
        ["overdue", "--db", "{db}", "--at", "yesterday"],
        ["check", "--db", "{db}", "--profile", "/no/such/profile.json"],
    ],
)
def test_bad_usage_exits_2_with_a_message(
    db: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(*(a.format(db=db) for a in argv))
    assert exit_.value.code == 2
    assert "iso10002: error:" in capsys.readouterr().err


def test_a_missing_store_is_not_created_by_a_reading_command(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite3"
    with pytest.raises(SystemExit):
        run("verify", "--db", str(missing))
    assert not missing.exists()
    with open_store(missing, create=True) as store:
        assert store.count() == 0


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("demo", "verify", "check", "overdue"):
        with pytest.raises(SystemExit):
            run(command, "--help")
        assert "example: iso10002 " + command in capsys.readouterr().out

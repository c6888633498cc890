"""The command line's checking commands: verify, check and overdue, with their exit codes."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from iso10002._cli_help import _commands, commands_table
from iso10002.cli import _parser, main
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


def commands() -> list[str]:
    return list(_commands(_parser()))


def test_the_command_line_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("--help")
    assert exit_.value.code == 0
    listed = capsys.readouterr().out
    for command in ("demo", "verify", "check", "overdue", "import", "export"):
        assert f"    {command} " in listed


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_with_an_example_and_its_exit_codes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(command, "--help")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    examples, _, codes = text.partition("exit codes:")
    assert f"  iso10002 {command} " in examples.split("example")[-1]
    assert codes.startswith("\n  0  ")
    assert "\n  2  bad usage" in codes  # argparse's own code for a usage error


@pytest.mark.parametrize("command", commands())
def test_every_command_that_prints_takes_json(command: str) -> None:
    options = {
        a for action in _commands(_parser())[command]._actions for a in action.option_strings
    }
    assert "--json" in options


def test_demo_prints_its_summary_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["demo", "--complaints", "30", "--seed", "4", "--dir", str(tmp_path), "--json"]
    assert run(*argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["store"] == str(tmp_path / "iso10002-demo.sqlite3")
    assert (summary["quarter"], summary["received"]) == ("2026Q3", 30)
    assert sum(summary["states"].values()) == 30
    assert summary["integrity"]["ok"] is True
    assert summary["integrity"]["broken"] == []
    assert summary["sla"]["policy"] == "fca.disp.standard"
    acknowledge = summary["sla"]["targets"]["acknowledge"]
    assert 0 < acknowledge["met"] + acknowledge["breached"] + acknowledge["pending"] <= 30
    assert summary["figures"]["received"] == 30
    steps = summary["example"]["steps"]
    assert steps[0]["event"] == "received"
    assert [s["at"] for s in steps] == sorted(s["at"] for s in steps)


def test_demo_json_and_text_tell_the_same_quarter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("demo", "--complaints", "25", "--seed", "9", "--dir", str(tmp_path / "a"), "--json")
    summary = json.loads(capsys.readouterr().out)
    run("demo", "--complaints", "25", "--seed", "9", "--dir", str(tmp_path / "b"))
    text = capsys.readouterr().out
    for state, count in summary["states"].items():
        assert f"  {state:<14}{count:>6,}" in text
    assert f"{summary['sla']['breaches']:,} breaches in all" in text


def test_verify_json_on_a_sound_store_lists_nothing_broken(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("verify", "--db", str(db), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["broken"], report["checked"]) == (True, [], 3)


def test_overdue_json_is_an_empty_list_when_nothing_is_late(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("overdue", "--db", str(db), "--at", START.isoformat(), "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_the_docs_table_lists_every_command_with_its_exit_codes() -> None:
    table = commands_table(_parser()).splitlines()
    assert len(table) == 2 + len(commands())
    for command, row in zip(commands(), table[2:], strict=True):
        assert row.startswith(f"| `iso10002 {command}` |")
        assert "| 0 " in row
        assert "; 2 bad usage" in row

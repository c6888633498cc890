"""``manage.py iso10002_overdue`` and ``iso10002_report`` on the configured desk, on PostgreSQL.

Three complaints stored with the deadlines the FCA preset gives them: one never
acknowledged (its acknowledgement was due on 8 January), one acknowledged (its final
response is due on 2 March) and one closed. The commands run at 15 January unless told
otherwise, by the clock in ``settings.ISO10002``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.clock import ManualClock
from iso10002.replay import replay
from iso10002.serialization import to_json
from iso10002.sla import presets
from iso10002.testing.builders import START, conforming_history, conforming_profile, history_to

if TYPE_CHECKING:
    from iso10002.contrib.django.store import DjangoStore

pytest.importorskip("django")

from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import override_settings

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("django_database")]

NOW = START + timedelta(days=10)
FCA = presets.get("fca.disp.standard")
WITH_POLICY = {"POLICY": "fca.disp.standard", "CLOCK": ManualClock(NOW)}
WITHOUT_POLICY = {"CLOCK": ManualClock(NOW)}


@pytest.fixture
def store() -> Iterator[DjangoStore]:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore()
    yield store
    store.close()


@pytest.fixture
def complaints(store: DjangoStore) -> DjangoStore:
    for state, complaint_id in (
        ("received", "C-LATE"),
        ("acknowledged", "C-ACK"),
        ("closed", "C-DONE"),
    ):
        events = history_to(state, complaint_id)
        store.create(events, next_due=FCA.next_due(replay(events), events[-1].at))
    return store


def run(command: str, *args: str, settings: dict[str, object] = WITH_POLICY) -> str:
    out = io.StringIO()
    with override_settings(ISO10002=settings):
        call_command(command, *args, stdout=out)
    return out.getvalue()


# --- iso10002_overdue ----------------------------------------------------------------------


def test_both_commands_are_installed_with_the_app() -> None:
    commands = get_commands()
    assert commands["iso10002_overdue"] == "iso10002.contrib.django"
    assert commands["iso10002_report"] == "iso10002.contrib.django"


def test_overdue_lists_only_open_complaints_past_their_deadline_with_the_policys_words(
    complaints: DjangoStore,
) -> None:
    lines = run("iso10002_overdue").splitlines()
    assert lines[0] == "1 overdue at 2026-01-15T09:00:00+00:00"
    assert lines[1].split() == [
        "C-LATE",
        "received",
        *["overdue", "since", "2026-01-08", "17:00", "GMT", "(acknowledge)"],
        "no",
        "owner",
    ]
    assert lines[2].strip().startswith("acknowledge: received Mon 5 Jan 2026 09:00;")
    assert "breached: not done" in lines[2]


def test_overdue_without_a_policy_shows_the_stored_deadline(complaints: DjangoStore) -> None:
    lines = run("iso10002_overdue", settings=WITHOUT_POLICY).splitlines()
    assert lines[0] == "1 overdue at 2026-01-15T09:00:00+00:00"
    assert "C-LATE" in lines[1]
    assert "overdue since 2026-01-08 17:00 GMT" in lines[1]
    assert len(lines) == 2  # no policy, so no targets to explain


def test_overdue_as_json_gives_each_complaint_its_status_and_breached_targets(
    complaints: DjangoStore,
) -> None:
    rows = json.loads(run("iso10002_overdue", "--json", "--at", "2026-03-03T12:00:00Z"))
    assert [row["id"] for row in rows] == ["C-ACK", "C-LATE"]  # by receipt, then id
    acknowledged, late = rows
    assert [b["target"] for b in late["breached"]] == ["acknowledge", "final_response"]
    assert acknowledged["status"] == "overdue since 2026-03-02 09:00 GMT (final_response)"
    assert acknowledged["breached"][0]["due"] == "2026-03-02T09:00:00+00:00"
    assert set(acknowledged) == {
        "id",
        "received_at",
        "state",
        "assignee",
        "investigator",
        "status",
        "breached",
    }


def test_overdue_at_an_earlier_instant_finds_none(complaints: DjangoStore) -> None:
    assert run("iso10002_overdue", "--at", "2026-01-06T09:00:00+00:00") == (
        "0 overdue at 2026-01-06T09:00:00+00:00\n"
    )


def test_fail_if_any_exits_with_status_one_only_when_some_are_overdue(
    complaints: DjangoStore,
) -> None:
    with pytest.raises(CommandError, match="1 overdue complaints") as failed:
        run("iso10002_overdue", "--fail-if-any")
    assert failed.value.returncode == 1
    run("iso10002_overdue", "--fail-if-any", "--at", "2026-01-06T09:00:00+00:00")


@pytest.mark.parametrize("at", ["2026-01-15T09:00", "next tuesday"])
def test_an_instant_without_an_offset_or_malformed_is_refused(at: str) -> None:
    with pytest.raises(CommandError, match=r"--at: .* is not an ISO 8601 instant with an offset"):
        run("iso10002_overdue", "--at", at)


# --- iso10002_report -----------------------------------------------------------------------


def test_the_report_checks_every_stored_complaint_at_the_configured_now(
    complaints: DjangoStore,
) -> None:
    text = run("iso10002_report")
    assert text.startswith("ISO 10002 conformance at 15 Jan 2026 09:00 UTC: FAILED")
    assert text.splitlines()[1].startswith("3 complaints, ")
    assert "no ISO10002['POLICY']" not in text


def test_the_report_as_json_is_the_conformance_report(complaints: DjangoStore) -> None:
    data = json.loads(run("iso10002_report", "--json"))
    assert data["complaints_checked"] == 3
    assert data["passed"] is False
    assert data["at"] == "2026-01-15T09:00:00+00:00"


def test_without_a_policy_the_report_says_what_it_did_not_check(complaints: DjangoStore) -> None:
    assert "(no ISO10002['POLICY']: responsiveness, timeliness and updates were not checked)" in (
        run("iso10002_report", settings=WITHOUT_POLICY)
    )


def test_strict_fails_the_command_when_a_principle_fails(complaints: DjangoStore) -> None:
    with pytest.raises(CommandError, match="principles failed: ") as failed:
        run("iso10002_report", "--strict")
    assert failed.value.returncode == 1


def test_a_conforming_store_and_process_pass_strict(store: DjangoStore, tmp_path: Path) -> None:
    events = conforming_history()
    store.create(events)
    profile = tmp_path / "process.json"
    profile.write_text(to_json(conforming_profile(START)), encoding="utf-8")
    at = (events[-1].at + timedelta(hours=1)).isoformat()
    text = run("iso10002_report", "--strict", "--profile", str(profile), "--at", at, settings={})
    assert ": PASSED" in text.splitlines()[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "--profile: "), ('{"channels": 5}', "--profile ")],
)
def test_a_missing_or_bad_profile_is_refused(
    complaints: DjangoStore, tmp_path: Path, content: str | None, words: str
) -> None:
    profile = tmp_path / "process.json"
    if content is not None:
        profile.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=words):
        run("iso10002_report", "--profile", str(profile))


# --- iso10002_report --period: the management review ---------------------------------------


def test_with_a_period_the_report_writes_the_management_review(
    complaints: DjangoStore, tmp_path: Path
) -> None:
    page, table = tmp_path / "q1.html", tmp_path / "q1.csv"
    text = run("iso10002_report", "--period", "2026Q1", "--out", str(page), "--out", str(table))
    assert text.splitlines()[0] == (
        "2026Q1: 3 received, 1 closed, 2 open at the end; conformance FAILED"
    )
    assert f"wrote {page}" in text
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg ") == 5  # the settings' FCA policy: the SLA chart too
    assert "fca.disp.standard" in html
    assert table.read_text(encoding="utf-8").startswith("section,figure,value")


def test_the_review_is_made_at_the_configured_now(complaints: DjangoStore) -> None:
    data = json.loads(run("iso10002_report", "--period", "2026Q1", "--json"))
    assert data["generated_at"] == NOW.isoformat()
    assert data["at"] == NOW.isoformat()  # the quarter is still running
    assert data["period"]["start"] == "2026-01-01T00:00:00+00:00"  # Europe/London in winter
    assert data["conformance"]["complaints_checked"] == 3
    assert data["conformance"]["integrity_problems"] == 0


def test_the_review_fails_strict_when_a_principle_fails(
    complaints: DjangoStore, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="principles failed: ") as failed:
        run("iso10002_report", "--period", "2026Q1", "--strict", "--out", str(tmp_path / "r.html"))
    assert failed.value.returncode == 1
    assert (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--out", "r.html"], "--out needs --period"),
        (["--period", "summer"], "is not a period"),
        (["--period", "2026Q1", "--out", "r.pdf"], "cannot tell the format"),
        (["--period", "2026Q1", "--zone", "Mars/Olympus"], "Mars/Olympus"),
    ],
)
def test_bad_review_options_are_refused(
    complaints: DjangoStore, tmp_path: Path, argv: list[str], words: str
) -> None:
    argv = [str(tmp_path / a) if a.startswith("r.") else a for a in argv]
    with pytest.raises(CommandError, match=words):
        run("iso10002_report", *argv)
    assert not list(tmp_path.iterdir())

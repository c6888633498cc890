"""assert_conforms: passes quietly on conforming records, fails listing the findings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConfigurationError
from iso10002.principles import CheckContext, FindingSeverity, ProcessProfile, check_conformance
from iso10002.replay import replay
from iso10002.storage import InMemoryStore
from iso10002.testing import assert_conforms
from iso10002.testing.builders import START, conforming_history, conforming_profile, history_to


def test_a_conforming_history_passes_and_returns_its_report() -> None:
    report = assert_conforms(conforming_history())
    assert report.passed
    assert report.complaints_checked == 1


def test_a_failure_lists_each_finding_with_its_check() -> None:
    with pytest.raises(AssertionError) as failed:
        assert_conforms(history_to("closed"), context=CheckContext(at=START + timedelta(days=30)))
    lines = str(failed.value).splitlines()
    assert lines[0] == "2 findings at minor or above (1 complaint checked):"
    assert lines[1].endswith("[improvement.root_cause_before_closure]")
    assert lines[2].endswith("[satisfaction.survey_offered]")


def test_findings_below_the_threshold_or_ignored_do_not_fail() -> None:
    late = CheckContext(at=START + timedelta(days=30))
    assert_conforms(history_to("closed"), context=late, fail_at=FindingSeverity.CRITICAL)
    assert_conforms(
        history_to("closed"),
        context=late,
        ignore=["improvement.root_cause_before_closure", "satisfaction.survey_offered"],
    )


def test_ignoring_a_check_that_does_not_exist_is_a_mistake() -> None:
    with pytest.raises(ConfigurationError, match=r"no such check: improvement\.root_cuase"):
        assert_conforms(conforming_history(), ignore=["improvement.root_cuase"])


def test_a_desk_is_judged_at_its_clock_with_its_stores_integrity_report(
    complaints_desk: ComplaintsDesk, manual_clock: ManualClock
) -> None:
    complaints_desk.store.create(conforming_history())
    manual_clock.set(START + timedelta(days=1))
    assert assert_conforms(complaints_desk).at == START + timedelta(days=1)


def test_a_desk_with_a_process_profile_is_judged_on_both(
    complaints_desk: ComplaintsDesk, manual_clock: ManualClock
) -> None:
    complaints_desk.store.create(conforming_history())
    manual_clock.set(START + timedelta(days=1))
    assert_conforms(complaints_desk, profile=conforming_profile(START))
    with pytest.raises(AssertionError, match=r"and the process profile\):"):
        assert_conforms(complaints_desk, profile=ProcessProfile(organization="Bare"))


def test_a_bare_store_is_judged_as_of_its_latest_event() -> None:
    store = InMemoryStore()
    store.create(conforming_history("C-1"))
    store.create(history_to("closed", complaint_id="C-2"))
    with pytest.raises(AssertionError, match="C-2: the complaint was closed without a root cause"):
        assert_conforms(store)


def test_an_empty_store_needs_a_context() -> None:
    with pytest.raises(ConfigurationError, match="give a context"):
        assert_conforms(InMemoryStore())


def test_a_report_already_made_can_be_asserted() -> None:
    events = history_to("closed")
    report = check_conformance([(replay(events), events)], CheckContext(at=events[-1].at))
    with pytest.raises(AssertionError, match="1 finding at minor or above"):
        assert_conforms(report)


def test_anything_else_is_refused_with_what_it_takes() -> None:
    with pytest.raises(ConfigurationError, match="takes a ComplaintsDesk"):
        assert_conforms(42)  # type: ignore[arg-type]

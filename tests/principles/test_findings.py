"""Findings: ordered severities, plain-words rendering, JSON through the one converter."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given

from iso10002.errors import ValidationError
from iso10002.principles import EventRef, Finding, FindingSeverity, Principle
from iso10002.serialization import from_json, to_json
from iso10002.testing.strategies import records

AT = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def test_severities_are_ordered_from_info_to_critical() -> None:
    ordered = sorted(FindingSeverity, key=lambda s: s.rank)
    assert ordered == [
        FindingSeverity.INFO,
        FindingSeverity.MINOR,
        FindingSeverity.MAJOR,
        FindingSeverity.CRITICAL,
    ]
    assert FindingSeverity.CRITICAL > FindingSeverity.MAJOR >= FindingSeverity.MAJOR
    assert FindingSeverity.INFO < FindingSeverity.MINOR <= FindingSeverity.MINOR


def test_severity_does_not_compare_with_plain_text() -> None:
    with pytest.raises(TypeError):
        assert FindingSeverity.MAJOR >= "minor"  # type: ignore[operator]


def test_a_finding_reads_as_one_line() -> None:
    finding = Finding(
        principle=Principle.CHARGES,
        clause="4.8",
        severity=FindingSeverity.MAJOR,
        message="the complainant was charged",
        complaint_id="C-1",
        evidence=(EventRef(3, "charge_recorded", AT),),
        check="charges.free_of_charge",
    )
    assert str(finding) == "[major] 4.8 C-1: the complainant was charged (event 3 charge_recorded)"


def test_a_process_finding_names_the_process() -> None:
    finding = Finding(
        principle=Principle.COMMITMENT,
        clause="5.3",
        severity=FindingSeverity.MINOR,
        message="policy not reviewed",
        check="commitment.published_policy",
    )
    assert str(finding) == "[minor] 5.3 process: policy not reviewed"


def test_evidence_instants_must_be_aware() -> None:
    with pytest.raises(ValidationError, match="naive"):
        EventRef(1, "received", datetime(2026, 1, 5))


@given(records(Finding))
def test_findings_round_trip_through_json(finding: Finding) -> None:
    assert from_json(to_json(finding), Finding) == finding


def test_a_finding_from_json_names_every_bad_field() -> None:
    bad = (
        '{"principle": "visibility", "clause": "", "severity": "minor", '
        '"message": "m", "check": "c"}'
    )
    with pytest.raises(ValidationError) as caught:
        from_json(bad, Finding)
    assert caught.value.errors[0].startswith("principle: 'visibility' is not one of:")
    assert caught.value.errors[1] == "clause: must not be empty"

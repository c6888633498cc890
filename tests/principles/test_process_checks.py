"""Process checks over the host's ProcessProfile: clauses 5, 6 and 8, accessibility, charges."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given

from iso10002.errors import ValidationError
from iso10002.model import Channel
from iso10002.principles import (
    AuditRecord,
    ChannelOffer,
    CheckContext,
    CorrectiveAction,
    FindingSeverity,
    ManagementReview,
    ProcessProfile,
    ResourcePlan,
    TrainingRecord,
    check_process,
    uk_premium_rate_prefix,
)
from iso10002.principles.access import channels_offered, free_channels, uk_basic_rate_numbers
from iso10002.principles.framework import (
    handler_training,
    owner_and_authority,
    published_policy,
    resources,
)
from iso10002.principles.oversight import audit_schedule, corrective_actions, management_review
from iso10002.serialization import from_json, to_json
from iso10002.testing.builders import START, conforming_profile
from iso10002.testing.strategies import process_profiles

CONTEXT = CheckContext(at=START)
GOOD = conforming_profile(START)
YEAR = timedelta(days=365)


def messages(findings: tuple[object, ...]) -> list[str]:
    return [f.message for f in findings]  # type: ignore[attr-defined]


def test_a_well_described_process_passes_every_process_check() -> None:
    assert check_process(GOOD, CONTEXT) == ()


@given(process_profiles())
def test_process_findings_concern_the_process_not_a_complaint(profile: ProcessProfile) -> None:
    for finding in check_process(profile, CONTEXT):
        assert finding.complaint_id is None
        assert finding.evidence == ()


@given(process_profiles())
def test_profiles_round_trip_through_json(profile: ProcessProfile) -> None:
    assert from_json(to_json(profile), ProcessProfile) == profile


def test_a_profile_from_json_names_every_bad_field() -> None:
    bad = '{"organization": "", "country": "uk", "channels": [{"channel": "fax", "contact": "x"}]}'
    with pytest.raises(ValidationError) as caught:
        from_json(bad, ProcessProfile)
    assert caught.value.errors == (
        "organization: must not be empty",
        "country: 'uk' is not an ISO 3166 country code like 'GB'",
        "channels[0].channel: 'fax' is not one of: web, email, phone, letter, in_person, chat, "
        "social_media, app, referral, other",
    )


# --- commitment (5.2–5.4, 8.6) --------------------------------------------------------------


def test_no_published_policy_is_major() -> None:
    (finding,) = published_policy(attrs.evolve(GOOD, policy=None), CONTEXT)
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.clause == "5.3"


def test_a_policy_not_approved_or_not_reviewed_is_minor() -> None:
    assert GOOD.policy is not None
    stale = attrs.evolve(GOOD, policy=attrs.evolve(GOOD.policy, approved_by=None))
    later = CheckContext(at=START + YEAR)
    assert messages(published_policy(stale, later)) == [
        "policy 2026.1 was not approved by top management (5.2)",
        "policy 2026.1 was last reviewed on 06 Dec 2025, more than 365 days ago",
    ]


def test_owner_and_authority_must_be_named() -> None:
    bare = attrs.evolve(GOOD, owner=None, authorities=())
    assert len(owner_and_authority(bare, CONTEXT)) == 2


def test_management_review_must_be_recent() -> None:  # ISO 10002 8.6
    assert messages(management_review(attrs.evolve(GOOD, reviews=()), CONTEXT)) == [
        "top management has never reviewed the complaints-handling process"
    ]
    old = attrs.evolve(GOOD, reviews=(ManagementReview(START - 2 * YEAR, chaired_by="ceo"),))
    (finding,) = management_review(old, CONTEXT)
    assert "more than 365 days ago" in finding.message


# --- capability and competence (6.4, 4.14) --------------------------------------------------


def test_capacity_below_the_expected_volume_is_major() -> None:
    short = ResourcePlan(
        handlers=1, monthly_capacity=100, expected_monthly_volume=250, planned_at=START
    )
    assert messages(resources(attrs.evolve(GOOD, resources=short), CONTEXT)) == [
        "the plan's capacity of 100 complaints a month is below the 250 expected"
    ]
    assert resources(attrs.evolve(GOOD, resources=None), CONTEXT)


def test_untrained_and_lapsed_handlers_are_named() -> None:
    profile = attrs.evolve(
        GOOD,
        handlers=("agent:ana", "agent:bo", "agent:cy"),
        training=(
            TrainingRecord("agent:ana", "ISO 10002", START - 2 * YEAR),
            TrainingRecord("agent:bo", "ISO 10002", START - 2 * YEAR),
            TrainingRecord("agent:bo", "ISO 10002 refresher", START - timedelta(days=10)),
        ),
    )
    assert messages(handler_training(profile, CONTEXT)) == [
        "no complaints-handling training is recorded for agent:cy",
        "the training of agent:ana is older than 365 days",
    ]


def test_training_in_the_future_does_not_count() -> None:
    ahead = (TrainingRecord("agent:ana", "ISO 10002", START + timedelta(days=3)),)
    profile = attrs.evolve(GOOD, handlers=("agent:ana",), training=ahead)
    assert "agent:ana" in handler_training(profile, CONTEXT)[0].message


# --- accessibility and charges (4.5, 4.8) ---------------------------------------------------


def test_a_single_kind_of_channel_is_not_accessible_enough() -> None:
    phones = (
        ChannelOffer(Channel.PHONE, "0800 123 4567", accessibility=("text relay",)),
        ChannelOffer(Channel.PHONE, "0300 123 4567"),
    )
    (finding,) = channels_offered(attrs.evolve(GOOD, channels=phones), CONTEXT)
    assert finding.message.startswith("complaints can be made only by phone")
    assert (
        channels_offered(
            attrs.evolve(GOOD, channels=phones), CheckContext(at=START, min_channels=1)
        )
        == ()
    )


def test_channels_without_accessibility_support_are_minor() -> None:
    plain = tuple(attrs.evolve(o, accessibility=()) for o in GOOD.channels)
    (finding,) = channels_offered(attrs.evolve(GOOD, channels=plain), CONTEXT)
    assert finding.severity is FindingSeverity.MINOR


def test_a_channel_that_costs_money_is_major() -> None:
    paid = (*GOOD.channels, ChannelOffer(Channel.IN_PERSON, "Branch desk", free_of_charge=False))
    (finding,) = free_channels(attrs.evolve(GOOD, channels=paid), CONTEXT)
    assert finding.message == "complaining by in person (Branch desk) costs the complainant money"


@pytest.mark.parametrize(
    ("number", "country", "prefix"),
    [
        ("0845 601 2345", "GB", "084"),
        ("0844-000-1111", "GB", "084"),
        ("0871 222 3333", "GB", "0871"),
        ("0872 222 3333", "GB", "0872"),
        ("0873 222 3333", "GB", "0873"),
        ("0906 123 4567", "GB", "09"),
        ("+44 (0)845 601 2345", None, "084"),
        ("0044 871 222 3333", "IE", "0871"),
        ("0800 123 4567", "GB", None),
        ("0300 123 4567", "GB", None),
        ("020 7946 0000", "GB", None),
        ("07700 900123", "GB", None),
        ("0870 123 4567", "GB", None),  # not in the regimes.md list (UNCONFIRMED)
        ("0845 601 2345", None, None),  # a national number of an unknown country
        ("0845 601 2345", "IE", None),
        ("+353 1 234 5678", None, None),
    ],
)
def test_uk_premium_rate_prefixes(number: str, country: str | None, prefix: str | None) -> None:
    assert uk_premium_rate_prefix(number, country) == prefix


def test_a_uk_premium_rate_complaints_line_is_critical() -> None:  # DISP 1.3.1ADR
    premium = (*GOOD.channels, ChannelOffer(Channel.PHONE, "0845 601 2345"))
    (finding,) = uk_basic_rate_numbers(attrs.evolve(GOOD, channels=premium), CONTEXT)
    assert finding.severity is FindingSeverity.CRITICAL
    assert "in the 084 range" in finding.message


def test_the_uk_rule_applies_only_to_uk_telephone_numbers() -> None:
    abroad = attrs.evolve(
        GOOD,
        country="IE",
        channels=(
            ChannelOffer(Channel.PHONE, "0845 601 2345"),
            ChannelOffer(Channel.WEB, "https://example.org/0845"),
        ),
    )
    assert uk_basic_rate_numbers(abroad, CONTEXT) == ()
    override = (ChannelOffer(Channel.PHONE, "0845 601 2345", country="GB"),)
    assert uk_basic_rate_numbers(attrs.evolve(abroad, channels=override), CONTEXT)


# --- improvement, auditing (8.7, 8.5) -------------------------------------------------------


def test_corrective_actions_are_linked_finished_and_verified() -> None:
    actions = (
        CorrectiveAction(reference="CA-2", description="x", opened_at=START - YEAR),
        CorrectiveAction(
            reference="CA-3",
            description="y",
            opened_at=START - YEAR,
            root_cause="process",
            due=START - timedelta(days=1),
        ),
        CorrectiveAction(
            reference="CA-4",
            description="z",
            opened_at=START - YEAR,
            root_cause="process",
            completed_at=START - timedelta(days=3),
        ),
    )
    assert messages(
        corrective_actions(attrs.evolve(GOOD, corrective_actions=actions), CONTEXT)
    ) == [
        "corrective action CA-2 is not linked to a root cause",
        "corrective action CA-3 was due on 04 Jan 2026",
        "corrective action CA-4 was completed but its effect was never verified",
    ]


def test_no_corrective_actions_is_only_information() -> None:
    (finding,) = corrective_actions(attrs.evolve(GOOD, corrective_actions=()), CONTEXT)
    assert finding.severity is FindingSeverity.INFO


def test_audits_must_be_recent_and_independent() -> None:  # ISO 10002 8.5
    assert messages(audit_schedule(attrs.evolve(GOOD, audits=()), CONTEXT)) == [
        "the process has never been audited"
    ]
    own = (AuditRecord(START - 2 * YEAR, auditor="agent:bo"),)
    assert messages(audit_schedule(attrs.evolve(GOOD, audits=own), CONTEXT)) == [
        "the latest audit was on 06 Jan 2024, more than 365 days ago",
        "the latest audit (06 Jan 2024) was carried out by agent:bo, who handles complaints; "
        "audits should be independent of the activity audited",
    ]

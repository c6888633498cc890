"""Worked examples for every preset: Friday evenings, holidays, Christmas, Easter, DST.

Dates are worked by hand from the rules in the reference notes (regimes.md) and the
holiday lists of the ``holidays`` package; each test says the count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from iso10002.errors import ConfigurationError
from iso10002.model import Complaint
from iso10002.replay import apply, replay
from iso10002.sla import Confidence, SlaPolicy, TargetState, presets
from iso10002.testing.builders import event_for, received
from sla.support import DUBLIN, LONDON, NEW_YORK, SYDNEY, london

END = (23, 59, 59, 999999)


def receipt(at: datetime) -> Complaint:
    return replay([received(at=at)])


def due(policy: SlaPolicy, c: Complaint, name: str, at: datetime | None = None) -> datetime:
    status = policy.evaluate(c, at or c.received_at).get(name)
    assert status is not None, name
    assert status.due is not None, status.explanation
    return status.due


# --- the registry ------------------------------------------------------------------------


def test_every_preset_is_registered_with_its_source() -> None:
    assert set(presets.ids()) >= {
        "iso10002.default",
        "fca.disp.standard",
        "fca.disp.psd_emd",
        "asic.rg271.standard",
        "asic.rg271.super_trustee",
        "asic.rg271.credit_hardship",
        "cfpb.portal",
        "eu.psd2.art101",
        "ie.cbi.cpc",
    }
    for preset_id in presets.ids():
        policy = presets.get(preset_id)
        assert policy.source is not None
        assert policy.source.id == preset_id == policy.name
        assert policy.source.urls
        assert all(url.startswith("http") for url in policy.source.urls)
        assert isinstance(policy.source.confidence, Confidence)


def test_regulatory_presets_cannot_be_paused() -> None:
    for preset_id in presets.ids():
        pausable = presets.get(preset_id).lifecycle_rules.clock_pausable
        assert pausable is (preset_id == "iso10002.default"), preset_id


def test_confidence_and_dates_are_as_the_reference_gives_them() -> None:
    fca = presets.get("fca.disp.standard").source
    asic = presets.get("asic.rg271.standard").source
    cpc = presets.get("ie.cbi.cpc").source
    assert fca is not None
    assert asic is not None
    assert cpc is not None
    assert (fca.confidence, fca.effective) == (Confidence.CONFIRMED, date(2016, 6, 30))
    assert (asic.confidence, asic.effective) == (Confidence.SECONDARY, date(2021, 10, 5))
    assert (cpc.confidence, cpc.effective) == (Confidence.UNCONFIRMED, date(2026, 3, 24))
    assert any("UNCONFIRMED" in note for note in cpc.notes)


def test_an_unknown_preset_or_option_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="no SLA preset"):
        presets.get("fca.disp.8w")
    with pytest.raises(ConfigurationError, match="not a UK nation"):
        presets.get("fca.disp.standard", nation="LDN")
    with pytest.raises(ConfigurationError, match=r"fca\.disp\.standard"):
        presets.get("fca.disp.standard", state="NSW")


# --- UK FCA DISP -------------------------------------------------------------------------

FCA = presets.get("fca.disp.standard")
FCA_SCOTLAND = presets.get("fca.disp.standard", nation="SCT")
PSD = presets.get("fca.disp.psd_emd")


def test_fca_eight_weeks_from_a_monday() -> None:
    # regimes.md: receipt Mon 5 Jan 2026 -> 8 weeks -> Mon 2 Mar 2026.
    assert due(FCA, receipt(london(2026, 1, 5, 14)), "final_response") == london(2026, 3, 2, 14)


def test_fca_friday_evening_receipt() -> None:
    # Fri 9 Jan 18:30: day 0 is Friday; Mon, Tue, Wed -> close of business Wed 14 Jan.
    c = receipt(london(2026, 1, 9, 18, 30))
    assert due(FCA, c, "early_resolution") == london(2026, 1, 14, 17)
    assert due(FCA, c, "final_response") == london(2026, 3, 6, 18, 30)


def test_fca_receipt_on_good_friday() -> None:
    # Good Friday is day 0; Easter Monday is skipped: Tue 7, Wed 8, Thu 9 Apr.
    c = receipt(london(2026, 4, 3, 10))
    status = FCA.evaluate(c, c.received_at).get("early_resolution")
    assert status is not None
    assert status.due == london(2026, 4, 9, 17)
    assert "skipping Fri 3 Apr and Mon 6 Apr (bank holidays in England)" in status.explanation


def test_fca_before_christmas_and_new_year() -> None:
    c = receipt(london(2026, 12, 23, 16, 40))
    assert due(FCA, c, "early_resolution") == london(2026, 12, 30, 17)
    assert due(FCA, c, "final_response") == london(2027, 2, 17, 16, 40)


def test_fca_easter_in_england_and_scotland() -> None:
    # Easter Monday is a bank holiday in England, not in Scotland.
    c = receipt(london(2026, 4, 2, 11))
    assert due(FCA, c, "early_resolution") == london(2026, 4, 9, 17)
    assert due(FCA_SCOTLAND, c, "early_resolution") == london(2026, 4, 8, 17)


def test_fca_new_year_in_scotland() -> None:
    # Scotland: 1 Jan and the observed New Year Holiday on Mon 4 Jan 2027 are skipped.
    c = receipt(london(2026, 12, 30, 10))
    assert due(FCA, c, "early_resolution") == london(2027, 1, 5, 17)
    assert due(FCA_SCOTLAND, c, "early_resolution") == london(2027, 1, 6, 17)


def test_fca_across_the_spring_dst_change() -> None:
    # Received Fri 27 Mar 2026 09:30 GMT; eight weeks later it is 09:30 BST.
    c = receipt(london(2026, 3, 27, 9, 30))
    final = due(FCA, c, "final_response")
    assert final == london(2026, 5, 22, 9, 30)
    assert final.utcoffset() == timedelta(hours=1)


def test_fca_across_the_autumn_dst_change() -> None:
    # Received Fri 23 Oct 2026 (BST); clocks go back on Sun 25 Oct; 3rd business day Wed 28.
    c = receipt(london(2026, 10, 23, 16))
    early = due(FCA, c, "early_resolution")
    assert early == london(2026, 10, 28, 17)
    assert early.utcoffset() == timedelta(0)


def test_fca_record_retention_is_three_years() -> None:
    c = receipt(london(2026, 1, 5, 14))
    assert FCA.retain_until(c) == london(2029, 1, 5, 14)
    assert presets.get("fca.disp.ucits_cpm").retain_until(c) == london(2031, 1, 5, 14)


def test_fca_psd_fifteen_and_thirty_five_business_days() -> None:
    # regimes.md: receipt Thu 2 Apr 2026 -> 15 BD Mon 27 Apr; 35 BD Wed 27 May (4 and 25
    # May are bank holidays too).
    c = receipt(london(2026, 4, 2, 10))
    assert due(PSD, c, "final_response") == london(2026, 4, 27, *END)
    exceptional = PSD.evaluate(c, c.received_at).get("final_response_exceptional")
    assert exceptional is not None
    assert exceptional.state is TargetState.NOT_APPLICABLE
    c = apply(c, [event_for(c, "acknowledge", at=london(2026, 4, 2, 11))])
    c = apply(c, [event_for(c, "assess", at=london(2026, 4, 2, 12))])
    holding = event_for(
        c, "send_holding_response", at=london(2026, 4, 24, 10), expected_by=london(2026, 5, 20)
    )
    c = apply(c, [holding])
    ev = PSD.evaluate(c, london(2026, 4, 28))
    assert ev.get("final_response").state is TargetState.MET  # type: ignore[union-attr]
    assert due(PSD, c, "final_response_exceptional", london(2026, 4, 28)) == london(
        2026, 5, 27, *END
    )


# --- Australia: ASIC RG 271 --------------------------------------------------------------


def sydney(*args: int) -> datetime:
    return datetime(*args, tzinfo=SYDNEY)  # type: ignore[misc]


def test_asic_thirty_forty_five_and_twenty_one_days() -> None:
    # regimes.md: receipt 5 Jan 2026 -> 30 days 4 Feb, 45 days 19 Feb.
    c = receipt(sydney(2026, 1, 5, 9))
    assert due(presets.get("asic.rg271.standard"), c, "final_response") == sydney(2026, 2, 4, *END)
    super_ = presets.get("asic.rg271.super_trustee")
    assert due(super_, c, "final_response") == sydney(2026, 2, 19, *END)
    # 21 calendar days land on Australia Day: calendar days count holidays, no roll-forward.
    hardship = presets.get("asic.rg271.credit_hardship")
    assert due(hardship, c, "final_response") == sydney(2026, 1, 26, *END)


def test_asic_friday_evening_acknowledgement() -> None:
    # The later of 24 hours (Sat 18:00) and close of the next business day (Mon 17:00).
    c = receipt(sydney(2026, 3, 6, 18))
    assert due(presets.get("asic.rg271.standard"), c, "acknowledge") == sydney(2026, 3, 9, 17)


def test_asic_acknowledgement_over_easter_and_the_dst_change() -> None:
    # NSW: Good Friday, Easter Saturday, Sunday and Monday are holidays; DST ends Sun 5 Apr.
    c = receipt(sydney(2026, 4, 2, 17, 30))
    ack = due(presets.get("asic.rg271.standard"), c, "acknowledge")
    assert ack == sydney(2026, 4, 7, 17)
    assert ack.utcoffset() == timedelta(hours=10)


def test_asic_state_holidays_differ() -> None:
    # Labour Day: Mon 9 Mar 2026 in Victoria, not in New South Wales.
    vic = presets.get("asic.rg271.standard", state="VIC")
    c = replay([received(at=datetime(2026, 3, 6, 18, tzinfo=vic.calendar.tz))])
    assert due(vic, c, "acknowledge").date() == date(2026, 3, 10)


def test_asic_by_complaint_type() -> None:
    policy = presets.get("asic.rg271")
    c = receipt(sydney(2026, 1, 5, 9))
    c = apply(c, [event_for(c, "acknowledge", at=sydney(2026, 1, 5, 10))])
    hardship = apply(
        c, [event_for(c, "assess", at=sydney(2026, 1, 5, 11), complaint_type="hardship")]
    )
    assert due(policy, c, "final_response") == sydney(2026, 2, 4, *END)
    assert due(policy, hardship, "final_response", sydney(2026, 1, 6)) == sydney(2026, 1, 26, *END)


def test_asic_early_closure_waives_the_idr_response_except_for_hardship() -> None:
    c = receipt(sydney(2026, 1, 5, 9))
    for name, hour in (
        ("acknowledge", 10),
        ("assess", 11),
        ("start_investigation", 12),
        ("decide", 13),
        ("communicate_decision", 14),
    ):
        c = apply(c, [event_for(c, name, at=sydney(2026, 1, 5, hour))])
    standard = presets.get("asic.rg271.standard").evaluate(c, sydney(2026, 1, 7))
    hardship = presets.get("asic.rg271.credit_hardship").evaluate(c, sydney(2026, 1, 7))
    assert standard.get("final_response").state is TargetState.NOT_APPLICABLE  # type: ignore[union-attr]
    assert hardship.get("final_response").state is TargetState.MET  # type: ignore[union-attr]


# --- US CFPB -----------------------------------------------------------------------------

CFPB = presets.get("cfpb.portal")


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def test_cfpb_counts_calendar_days_through_the_holidays() -> None:
    # Sent Fri 18 Dec 2026: 15 days -> Sat 2 Jan 2027; 60 days -> Tue 16 Feb 2027.
    c = receipt(new_york(2026, 12, 18, 17))
    assert due(CFPB, c, "response") == new_york(2027, 1, 2, *END)
    assert due(CFPB, c, "final_response") == new_york(2027, 2, 16, *END)


def test_cfpb_across_the_spring_dst_change() -> None:
    c = receipt(new_york(2026, 3, 1, 9))
    response = due(CFPB, c, "response")
    assert response == new_york(2026, 3, 16, *END)
    assert response.utcoffset() == timedelta(hours=-4)


def test_cfpb_in_progress_meets_the_fifteen_days() -> None:
    c = receipt(new_york(2026, 3, 2, 9))
    c = apply(c, [event_for(c, "acknowledge", at=new_york(2026, 3, 2, 10))])
    c = apply(c, [event_for(c, "assess", at=new_york(2026, 3, 2, 11))])
    c = apply(
        c,
        [
            event_for(
                c,
                "send_holding_response",
                at=new_york(2026, 3, 10, 11),
                expected_by=new_york(2026, 4, 10),
            )
        ],
    )
    ev = CFPB.evaluate(c, new_york(2026, 3, 20))
    assert ev.get("response").state is TargetState.MET  # type: ignore[union-attr]
    assert ev.get("final_response").state is TargetState.PENDING  # type: ignore[union-attr]


# --- EU PSD2 and Ireland -----------------------------------------------------------------


def dublin(*args: int) -> datetime:
    return datetime(*args, tzinfo=DUBLIN)  # type: ignore[misc]


def test_psd2_in_ireland_skips_st_patricks_day_and_easter_monday() -> None:
    # Receipt Mon 16 Mar 2026: 18-20 (3), 23-27 (8), 30-31 (10), 1-3 Apr (13), 7-8 (15).
    policy = presets.get("eu.psd2.art101", country="IE")
    assert due(policy, receipt(dublin(2026, 3, 16, 10)), "final_response") == dublin(
        2026, 4, 8, *END
    )


def test_psd2_takes_the_member_states_calendar() -> None:
    germany = presets.get("eu.psd2.art101", country="DE", subdiv="BY")
    assert germany.calendar.zone == "Europe/Berlin"


def test_cpc_acknowledgement_before_christmas() -> None:
    # Fri 18 Dec 2026 evening: 21, 22, 23, 24 Dec (4), Christmas skipped, Mon 28 Dec (5).
    cpc = presets.get("ie.cbi.cpc")
    c = receipt(dublin(2026, 12, 18, 19))
    status = cpc.evaluate(c, c.received_at).get("acknowledge")
    assert status is not None
    assert status.due == dublin(2026, 12, 28, *END)
    assert "skipping Fri 25 Dec (public holiday in Ireland)" in status.explanation


def test_cpc_forty_business_days() -> None:
    # Receipt Mon 5 Jan 2026: 19 business days in January, St Brigid's Day (Mon 2 Feb)
    # skipped, 19 in February, then Mon 2 and Tue 3 Mar.
    cpc = presets.get("ie.cbi.cpc")
    assert due(cpc, receipt(dublin(2026, 1, 5, 9)), "final_response") == dublin(2026, 3, 3, *END)


# --- ISO 10002 default -------------------------------------------------------------------


def test_iso_default_acknowledges_by_the_next_business_day() -> None:
    policy = presets.get("iso10002.default", calendar=FCA.calendar)
    c = receipt(london(2026, 1, 9, 18))  # Friday evening
    assert due(policy, c, "acknowledge") == london(2026, 1, 12, 17)
    assert due(policy, c, "final_response") == london(2026, 2, 6, 17)  # 20th business day
    assert due(policy, c, "update") == london(2026, 1, 23, 17)


def test_iso_default_may_pause() -> None:
    assert presets.get("iso10002.default").lifecycle_rules.clock_pausable
    assert LONDON.key == "Europe/London"

"""Ready-made SLA policies for ISO 10002 and real complaint-handling regimes.

Each preset is built by a function (``fca_disp_standard(nation="ENG")`` …) and registered
by id (``get("fca.disp.standard", nation="SCT")``). Every policy carries a
:class:`~iso10002.sla.policy.PolicySource`: the source addresses, the effective date and a
confidence grade, exactly as the project's reference notes give them; figures the notes
mark UNCONFIRMED say so in the target's ``note`` and the source's ``notes``. Check them
against the current rule text before relying on them.

Regulatory presets cannot be paused (``lifecycle_rules.clock_pausable`` is false: no
regime in the reference notes has a stop-the-clock rule). Presets take the calendar's
variant where it matters: the UK nation (bank holidays differ), the Australian state, the
EU member state. Every builder also accepts ``calendar=`` for a host's own calendar (its
real opening hours: the presets assume Monday to Friday 09:00-17:00).

Examples:
    >>> ids()[:4]
    ('asic.rg271', 'asic.rg271.credit_hardship', 'asic.rg271.standard', 'asic.rg271.super_trustee')
    >>> policy = get("fca.disp.standard", nation="SCT")
    >>> policy.calendar.holidays.region, policy.source.confidence.value
    ('Scotland', 'confirmed')
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs

from iso10002.errors import ConfigurationError
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Severity
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.durations import (
    BusinessDays,
    CalendarDays,
    CloseOfBusinessDay,
    ElapsedTime,
    LaterOf,
    Months,
    Weeks,
    Years,
)
from iso10002.sla.policy import (
    Applies,
    Confidence,
    Milestone,
    PolicySource,
    SlaPolicy,
    Stage,
    Target,
)

__all__ = [
    "PRESETS",
    "Preset",
    "asic_rg271",
    "asic_rg271_credit_hardship",
    "asic_rg271_standard",
    "asic_rg271_super_trustee",
    "cfpb_portal",
    "eu_psd2_art101",
    "fca_disp",
    "fca_disp_psd_emd",
    "fca_disp_standard",
    "fca_disp_ucits_cpm",
    "get",
    "ids",
    "ie_cbi_cpc",
    "iso10002_default",
    "markdown_table",
]

_ANY = Applies()
REGULATORY = LifecycleRules(clock_pausable=False)
"""Lifecycle rules of every regulatory preset: the SLA clock never pauses."""

_FCA_DISP_1_5 = "https://public-ui-fcahandbook-dev.azurewebsites.net/handbook/disp1/disp1s5"
_FCA_DISP_1_6 = "https://handbook.fca.org.uk/handbook/disp1/disp1s6?date=01-06-2026&timeline=true"
_FCA_DISP_1_9 = "https://public-ui-fcahandbook-dev.azurewebsites.net/handbook/disp1/disp1s10"
_FCA_DISP_2_8 = "https://public-ui-fcahandbook-dev.azurewebsites.net/handbook/disp2/disp2s8"
_FCA_ANNEX_3 = (
    "https://handbook.fca.org.uk/handbook/DISP/1/Annex3.html?date=2016-07-17&timeline=True"
)
_FCA_BUSINESS_DAY = "https://handbook.fca.org.uk/handbook/glossary/G120.html?date=2005-02-03"
_EBA_ART_101 = (
    "https://eba.europa.eu/regulation-and-policy/single-rulebook/interactive-single-rulebook/"
    "-/interactive-single-rulebook/toc/5402/article-id/5664"
)
_PROMPT_ACK = (
    "DISP 1.6.1R asks for a 'prompt' written acknowledgement with no number of days; the "
    "3 business days here are this preset's suggestion, not the rule."
)


def _uk(nation: str, calendar: BusinessCalendar | None) -> BusinessCalendar:
    # FCA Glossary "business day": not a weekend, Christmas Day, Good Friday or a bank
    # holiday *in that part of the United Kingdom*: the nation's own holidays.
    if calendar is not None:
        return calendar
    if nation not in ("ENG", "WLS", "SCT", "NIR"):
        raise ConfigurationError(
            f"nation: {nation!r} is not a UK nation code (ENG, WLS, SCT or NIR)"
        )
    return BusinessCalendar.for_country("GB", subdiv=nation, zone="Europe/London")


def _fca_common(nation: str) -> tuple[Target, ...]:
    return (
        Target(
            "acknowledge",
            Stage.ACKNOWLEDGE,
            CloseOfBusinessDay(3),
            rule="DISP 1.6.1R",
            note=_PROMPT_ACK,
        ),
        Target(
            "early_resolution",
            Stage.EARLY_RESOLUTION,
            CloseOfBusinessDay(3),
            rule="DISP 1.5.1R",
            note="Resolved (the complainant accepted) by close of business on the third "
            "business day after receipt: a summary resolution communication replaces the "
            "final response (DISP 1.5.4R).",
        ),
    )


def _fca_referral() -> Target:
    return Target(
        "referral_window",
        Stage.REFERRAL_WINDOW,
        Months(6),
        rule="DISP 2.8.2R; DISP 1 Annex 3R",
        note="The complainant may refer to the Financial Ombudsman Service within six "
        "months of the final response.",
    )


def _fca_standard_targets(nation: str, applies: Applies = _ANY) -> tuple[Target, ...]:
    return (
        *(attrs.evolve(t, applies=applies) for t in _fca_common(nation)),
        Target(
            "final_response",
            Stage.FINAL_RESPONSE,
            Weeks(8),
            applies=applies,
            # DISP 1.6.2R: a final response, or a written response explaining the delay and
            # the right to refer to the ombudsman, by the end of eight weeks.
            met_by=(Milestone.FINAL_RESPONSE, Milestone.HOLDING_RESPONSE),
            waived_by_early_resolution=True,
            rule="DISP 1.6.2R",
        ),
        attrs.evolve(_fca_referral(), applies=applies),
    )


def _fca_psd_targets(nation: str, applies: Applies = _ANY) -> tuple[Target, ...]:
    return (
        *(attrs.evolve(t, applies=applies) for t in _fca_common(nation)),
        Target(
            "final_response",
            Stage.FINAL_RESPONSE,
            BusinessDays(15, end_of_day=True),
            applies=applies,
            # A final response within 15 business days or, exceptionally, a holding
            # response within 15 business days (DISP 1.6.2AR; PSD2 Art. 101(2)).
            met_by=(Milestone.FINAL_RESPONSE, Milestone.HOLDING_RESPONSE),
            waived_by_early_resolution=True,
            rule="DISP 1.6.2AR",
        ),
        Target(
            "final_response_exceptional",
            Stage.FINAL_RESPONSE,
            BusinessDays(35, end_of_day=True),
            applies=applies,
            after_holding_response=True,
            waived_by_early_resolution=True,
            rule="DISP 1.6.2AR",
            note="After a holding response giving the reasons for the delay, the final "
            "response is due within 35 business days of receipt.",
        ),
        attrs.evolve(_fca_referral(), applies=applies),
    )


_FCA_STANDARD_SOURCE = PolicySource(
    "fca.disp.standard",
    "UK FCA DISP 1: complaints other than payment services and e-money",
    (_FCA_DISP_1_6, _FCA_DISP_1_5, _FCA_DISP_1_9, _FCA_ANNEX_3, _FCA_BUSINESS_DAY),
    date(2016, 6, 30),
    Confidence.CONFIRMED,
    (
        _PROMPT_ACK,
        "Effective date: the current DISP 1.5 three-business-day rule applies from 30 June 2016.",
        "The current wording of the Glossary's 'business day' is UNCONFIRMED (the 2005 "
        "text was consulted; unchanged in substance as far as known).",
        "Close of business is the calendar's last closing time (17:00 by default).",
    ),
)
_FCA_PSD_SOURCE = PolicySource(
    "fca.disp.psd_emd",
    "UK FCA DISP 1: payment services and e-money complaints (15/35 business days)",
    (_FCA_DISP_1_6, _FCA_DISP_1_5, _FCA_DISP_2_8, _EBA_ART_101, _FCA_DISP_1_9),
    None,
    Confidence.CONFIRMED,
    (
        _PROMPT_ACK,
        "Effective date: not given in the reference notes (UNCONFIRMED).",
        "Within N business days is read as by the end of the Nth business day after the "
        "day of receipt.",
    ),
)


def fca_disp_standard(
    nation: str = "ENG", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """FCA DISP, standard complaints: final response (or holding response) in 8 weeks.

    DISP 1.6.2R: by the end of eight weeks after receipt; DISP 1.5.1R: time limits do not
    apply to a complaint resolved by close of business on the third business day after
    the day of receipt; DISP 1.9.1R: keep the record three years from receipt.

    Examples:
        >>> [t.name for t in fca_disp_standard().targets]
        ['acknowledge', 'early_resolution', 'final_response', 'referral_window']
    """
    return SlaPolicy(
        "fca.disp.standard",
        _uk(nation, calendar),
        _fca_standard_targets(nation),
        lifecycle_rules=REGULATORY,
        retention=Years(3),
        source=_FCA_STANDARD_SOURCE,
    )


def fca_disp_psd_emd(nation: str = "ENG", *, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    """FCA DISP, payment services and e-money: 15 business days, 35 after a holding response.

    Examples:
        >>> fca_disp_psd_emd().targets[2].duration
        BusinessDays(n=15, at_close=False, end_of_day=True)
    """
    return SlaPolicy(
        "fca.disp.psd_emd",
        _uk(nation, calendar),
        _fca_psd_targets(nation),
        lifecycle_rules=REGULATORY,
        retention=Years(3),
        source=_FCA_PSD_SOURCE,
    )


def fca_disp_ucits_cpm(
    nation: str = "ENG", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """FCA DISP, UCITS collective portfolio management: as standard, records kept 5 years.

    Examples:
        >>> fca_disp_ucits_cpm().retention
        Years(n=5)
    """
    source = attrs.evolve(
        _FCA_STANDARD_SOURCE,
        id="fca.disp.ucits_cpm",
        title="UK FCA DISP 1: UCITS collective portfolio management complaints",
    )
    return attrs.evolve(
        fca_disp_standard(nation, calendar=calendar),
        name="fca.disp.ucits_cpm",
        retention=Years(5),  # DISP 1.9.1R(1)
        source=source,
    )


def fca_disp(nation: str = "ENG", *, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    """FCA DISP by complaint type: ``psd_emd`` complaints get 15/35 business days, others 8 weeks.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("received")
        >>> fca_disp().targets_for(c)[2].duration
        Weeks(n=8, end_of_day=False)
    """
    psd = Applies(complaint_types=("psd_emd",))
    source = PolicySource(
        "fca.disp",
        "UK FCA DISP 1, by complaint type (psd_emd or standard)",
        (*_FCA_STANDARD_SOURCE.urls, _EBA_ART_101),
        None,
        Confidence.CONFIRMED,
        _FCA_STANDARD_SOURCE.notes + _FCA_PSD_SOURCE.notes[1:],
    )
    return SlaPolicy(
        "fca.disp",
        _uk(nation, calendar),
        (*_fca_psd_targets(nation, psd), *_fca_standard_targets(nation)),
        lifecycle_rules=REGULATORY,
        retention=Years(3),
        source=source,
    )


# --- Australia: ASIC RG 271 ---------------------------------------------------------------

_ASIC_RG271 = (
    "https://www.asic.gov.au/regulatory-resources/find-a-document/regulatory-guides/"
    "rg-271-internal-dispute-resolution/"
)
_AFCA_TABLE = "https://afca.org.au/members/rg271/new-maximum-idr-timeframes"
_AFA = "https://www.afa.asn.au/news/new-internal-dispute-resolution-regime"
_CASHLAB = "https://cashlab.com.au/pages/complaints"
_APTEAN = (
    "https://aptean-website-staging.azurewebsites.net/en-US/insights/blog/"
    "what-does-rg-271-mean-for-you"
)
_ASIC_NOTES = (
    "In force for complaints received on or after 5 October 2021.",
    "Whether the day of receipt is excluded and whether a deadline on a weekend rolls "
    "forward is UNCONFIRMED for RG 271: day 0 is excluded (the Acts Interpretation Act "
    "convention), and there is no roll-forward.",
    "The acknowledgement rule ('within 24 hours or one business day') is read as the later "
    "of 24 hours and close of business on the next business day (secondary sources).",
    "No written IDR response is needed if the complaint is closed by the end of the fifth "
    "business day, unless the complainant asks for one or it is about hardship; other "
    "reported exceptions are UNCONFIRMED.",
    "Record retention: UNCONFIRMED in RG 271 sources; no retention rule is set.",
)


def _au(state: str, calendar: BusinessCalendar | None) -> BusinessCalendar:
    if calendar is not None:
        return calendar
    return BusinessCalendar.for_country("AU", subdiv=state)


def _asic_targets(
    response: CalendarDays, rule: str, confidence: Confidence, applies: Applies, waivable: bool
) -> tuple[Target, ...]:
    return (
        Target(
            "acknowledge",
            Stage.ACKNOWLEDGE,
            LaterOf(ElapsedTime(hours=24), CloseOfBusinessDay(1)),
            applies=applies,
            rule="RG 271",
            confidence=Confidence.SECONDARY,
        ),
        Target(
            "early_resolution",
            Stage.EARLY_RESOLUTION,
            BusinessDays(5, end_of_day=True),
            applies=applies,
            rule="RG 271",
            confidence=Confidence.SECONDARY,
            note="Closed by the end of the fifth business day: no written IDR response.",
        ),
        Target(
            "final_response",
            Stage.FINAL_RESPONSE,
            response,
            applies=applies,
            waived_by_early_resolution=waivable,
            rule=rule,
            confidence=confidence,
        ),
    )


_ASIC_STANDARD = _asic_targets(
    CalendarDays(30, end_of_day=True), "RG 271 (standard)", Confidence.SECONDARY, Applies(), True
)
_ASIC_SUPER = _asic_targets(
    CalendarDays(45, end_of_day=True),
    "RG 271 (superannuation and traditional trustee)",
    Confidence.CONFIRMED,
    Applies(),
    True,
)
_ASIC_HARDSHIP = _asic_targets(
    CalendarDays(21, end_of_day=True),
    "RG 271 (default notices; hardship notices and postponement requests)",
    Confidence.CONFIRMED,
    Applies(),
    False,  # hardship complaints need a written response even when closed early
)


def _asic_source(preset_id: str, title: str, urls: tuple[str, ...]) -> PolicySource:
    return PolicySource(
        preset_id, title, urls, date(2021, 10, 5), Confidence.SECONDARY, _ASIC_NOTES
    )


def asic_rg271_standard(
    state: str = "NSW", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """ASIC RG 271, standard complaints: an IDR response within 30 calendar days.

    Examples:
        >>> asic_rg271_standard("VIC").calendar.zone
        'Australia/Melbourne'
    """
    return SlaPolicy(
        "asic.rg271.standard",
        _au(state, calendar),
        _ASIC_STANDARD,
        lifecycle_rules=REGULATORY,
        source=_asic_source(
            "asic.rg271.standard",
            "ASIC RG 271: standard complaints (30 calendar days)",
            (_ASIC_RG271, _AFA, _CASHLAB, _APTEAN),
        ),
    )


def asic_rg271_super_trustee(
    state: str = "NSW", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """ASIC RG 271, superannuation trustee and traditional trustee complaints: 45 calendar days.

    Death-benefit distribution complaints (90 days after the 28-day objection period) are
    not covered: that rule is UNCONFIRMED and its anchor is not in the complaint record.

    Examples:
        >>> asic_rg271_super_trustee().targets[2].duration.n
        45
    """
    return SlaPolicy(
        "asic.rg271.super_trustee",
        _au(state, calendar),
        _ASIC_SUPER,
        lifecycle_rules=REGULATORY,
        source=_asic_source(
            "asic.rg271.super_trustee",
            "ASIC RG 271: superannuation and traditional trustee complaints (45 calendar days)",
            (_ASIC_RG271, _AFCA_TABLE, _APTEAN),
        ),
    )


def asic_rg271_credit_hardship(
    state: str = "NSW", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """ASIC RG 271, default notices and hardship notices or postponement requests: 21 days.

    Examples:
        >>> asic_rg271_credit_hardship().targets[2].waived_by_early_resolution
        False
    """
    return SlaPolicy(
        "asic.rg271.credit_hardship",
        _au(state, calendar),
        _ASIC_HARDSHIP,
        lifecycle_rules=REGULATORY,
        source=_asic_source(
            "asic.rg271.credit_hardship",
            "ASIC RG 271: default notice and hardship complaints (21 calendar days)",
            (_ASIC_RG271, _AFCA_TABLE, _CASHLAB, _APTEAN),
        ),
    )


def asic_rg271(state: str = "NSW", *, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    """ASIC RG 271 by complaint type: ``super_trustee`` 45 days; ``default_notice`` or
    ``hardship`` 21 days; anything else 30 days.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> asic_rg271().targets_for(complaint_in("received"))[2].duration.n
        30
    """
    kinds = (
        (Applies(complaint_types=("super_trustee",)), _ASIC_SUPER),
        (Applies(complaint_types=("default_notice", "hardship")), _ASIC_HARDSHIP),
        (Applies(), _ASIC_STANDARD),
    )
    targets = tuple(attrs.evolve(t, applies=applies) for applies, ts in kinds for t in ts)
    return SlaPolicy(
        "asic.rg271",
        _au(state, calendar),
        targets,
        lifecycle_rules=REGULATORY,
        source=_asic_source(
            "asic.rg271",
            "ASIC RG 271, by complaint type",
            (_ASIC_RG271, _AFCA_TABLE, _AFA, _CASHLAB, _APTEAN),
        ),
    )


# --- United States: CFPB ------------------------------------------------------------------


def cfpb_portal(
    zone: str = "America/New_York", *, calendar: BusinessCalendar | None = None
) -> SlaPolicy:
    """CFPB company portal: a response (or "In progress") in 15 calendar days, final in 60.

    Both count calendar days from the date the CFPB **sent** the complaint to the company:
    record that date as the complaint's receipt. No holidays are excluded.

    Examples:
        >>> [(t.name, t.duration.n) for t in cfpb_portal().targets]
        [('response', 15), ('final_response', 60)]
    """
    return SlaPolicy(
        "cfpb.portal",
        calendar if calendar is not None else BusinessCalendar.weekdays(zone),
        (
            Target(
                "response",
                Stage.HOLDING_RESPONSE,
                CalendarDays(15, end_of_day=True),
                rule="CFPB Company Portal Manual 8.1",
                note="A response, or 'In progress' (record it as a holding response).",
            ),
            Target(
                "final_response",
                Stage.FINAL_RESPONSE,
                CalendarDays(60, end_of_day=True),
                rule="CFPB Company Portal Manual 8.1",
            ),
        ),
        lifecycle_rules=REGULATORY,
        source=PolicySource(
            "cfpb.portal",
            "US CFPB complaint process: company portal response times",
            (
                "http://llt4fun.insidearm.com/news/00043245-what-include-interim-response-cfpb-compla",
                "http://www.cfpbmonitor.com/2012/01/19/cfpb-updates-complaint-system-manual/",
                "http://cfpbjournal.com/the-cfpb-has-loosened-consumer-complaint-deadlines/",
            ),
            None,
            Confidence.SECONDARY,
            (
                "Clock start: the date the CFPB sent the complaint to the company.",
                "Effective date: not given in the reference notes (UNCONFIRMED); the "
                "deadline was raised from an earlier 10 calendar days.",
                "That 'Timely response' means within 15 calendar days is an inference "
                "(UNCONFIRMED as a formal definition).",
                "CFPB timelines do not replace statutory ones (RESPA/Reg X, Reg E).",
            ),
        ),
    )


# --- European Union: PSD2 Art. 101 --------------------------------------------------------


def eu_psd2_art101(
    country: str = "IE",
    subdiv: str | None = None,
    *,
    zone: str | None = None,
    calendar: BusinessCalendar | None = None,
) -> SlaPolicy:
    """PSD2 Art. 101: reply within 15 business days; exceptionally 35 after a holding reply.

    Business days are the member state's: pass its ``country`` (and ``subdiv``/``zone``
    where it has several).

    Examples:
        >>> eu_psd2_art101("DE", "BE").calendar.holidays.label
        'public holidays in DE-BE'
    """
    cal = (
        calendar
        if calendar is not None
        else BusinessCalendar.for_country(country, subdiv=subdiv, zone=zone)
    )
    return SlaPolicy(
        "eu.psd2.art101",
        cal,
        (
            Target(
                "final_response",
                Stage.FINAL_RESPONSE,
                BusinessDays(15, end_of_day=True),
                met_by=(Milestone.FINAL_RESPONSE, Milestone.HOLDING_RESPONSE),
                rule="PSD2 Art. 101(2)",
            ),
            Target(
                "final_response_exceptional",
                Stage.FINAL_RESPONSE,
                BusinessDays(35, end_of_day=True),
                after_holding_response=True,
                rule="PSD2 Art. 101(2)",
                note="A holding reply must give the reasons for the delay and the date of "
                "the final reply.",
            ),
        ),
        lifecycle_rules=REGULATORY,
        source=PolicySource(
            "eu.psd2.art101",
            "EU PSD2 (Directive (EU) 2015/2366) Art. 101: payment service complaints",
            (
                _EBA_ART_101,
                "https://service.betterregulation.com/document/318523",
                "https://haufe.de/versicherungs-glossar/richtlinie-eu-20152366-des-"
                "europaeischen-parlaments-un-art-101-streitbeilegung_idesk_PI10820_HI8901057.html",
            ),
            None,
            Confidence.CONFIRMED,
            (
                "Effective date: not given in the reference notes (UNCONFIRMED).",
                "Member states may keep rules more favourable to users.",
            ),
        ),
    )


# --- Ireland: Central Bank Consumer Protection Code ---------------------------------------


def ie_cbi_cpc(*, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    """Central Bank of Ireland CPC: acknowledge in 5, update every 20, resolve in 40 business days.

    The modernised Code applies from 24 March 2026; whether the 5/20/40 figures carry over
    unchanged is UNCONFIRMED (they are consistent across secondary sources for the earlier
    Code).

    Examples:
        >>> [t.name for t in ie_cbi_cpc().targets]
        ['acknowledge', 'update', 'final_response', 'referral_window']
    """
    cal = calendar if calendar is not None else BusinessCalendar.for_country("IE")
    unconfirmed = Confidence.UNCONFIRMED
    return SlaPolicy(
        "ie.cbi.cpc",
        cal,
        (
            Target(
                "acknowledge",
                Stage.ACKNOWLEDGE,
                BusinessDays(5, end_of_day=True),
                rule="CPC (acknowledge in writing)",
                confidence=unconfirmed,
            ),
            Target(
                "update",
                Stage.UPDATE,
                BusinessDays(20, end_of_day=True),
                rule="CPC (updates at intervals of not more than 20 business days)",
                confidence=unconfirmed,
            ),
            Target(
                "final_response",
                Stage.FINAL_RESPONSE,
                BusinessDays(40, end_of_day=True),
                rule="CPC (attempt to investigate and resolve within 40 business days)",
                confidence=unconfirmed,
                note="If unresolved, tell the complainant the expected timeframe and the "
                "right to refer to the FSPO. The outcome letter within 5 business days of "
                "completing the investigation is not tracked: its anchor is not recorded.",
            ),
            Target(
                "referral_window",
                Stage.REFERRAL_WINDOW,
                Months(6),
                rule="FSPO referral (statutory basis UNCONFIRMED)",
                confidence=unconfirmed,
            ),
        ),
        lifecycle_rules=REGULATORY,
        source=PolicySource(
            "ie.cbi.cpc",
            "Central Bank of Ireland Consumer Protection Code: complaints",
            (
                "https://irishtimes.com/business/what-to-do-1.1212588",
                "https://www.lloyds.com/en-ie/resources-and-services/make-a-complaint/"
                "complaints-handling/international-complaints-handling/ireland",
                "https://lloydseurope.com/market-resources/delegated-authorities/"
                "compliance-operations/complaints-handling/ireland",
                "https://www.mondaq.com/ireland/dodd-frank-consumer-protection-act/1603060/"
                "the-consumer-protection-code-is-modernised",
                "https://support.simplybe.ie/hc/en-gb/articles/10563497114140-How-to-make-a-complaint",
            ),
            date(2026, 3, 24),
            unconfirmed,
            (
                "The modernised CPC applies from 24 March 2026; whether 5/20/40 and their "
                "regulation numbers are unchanged is UNCONFIRMED.",
                "Record retention (CPC general records 6 years) is UNCONFIRMED; no retention "
                "rule is set.",
                "The FSPO six-month window is from firm pages; its statutory basis is UNCONFIRMED.",
            ),
        ),
    )


# --- ISO 10002 ----------------------------------------------------------------------------


def iso10002_default(calendar: BusinessCalendar | None = None) -> SlaPolicy:
    """ISO 10002:2018 defaults: the standard sets no deadlines, so these are ours.

    Acknowledge "immediately" (7.4), here by close of the next business day; respond by
    the 5th business day when urgent or critical, the 10th when high, the 20th otherwise;
    an update at least every 10 business days (7.3). The clock may be paused (internal).

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> iso10002_default().targets_for(complaint_in("assessed"))[1].duration.n
        20
    """
    cal = calendar if calendar is not None else BusinessCalendar.weekdays("UTC")

    def respond(n: int, applies: Applies) -> Target:
        return Target(
            "final_response",
            Stage.FINAL_RESPONSE,
            CloseOfBusinessDay(n),
            applies=applies,
            rule="ISO 10002 7.7 (organization-defined)",
        )

    return SlaPolicy(
        "iso10002.default",
        cal,
        (
            Target(
                "acknowledge",
                Stage.ACKNOWLEDGE,
                CloseOfBusinessDay(1),
                rule="ISO 10002 7.4 (immediately; organization-defined)",
            ),
            respond(5, Applies(urgent=True)),
            respond(5, Applies(severities=(Severity.CRITICAL,))),
            respond(10, Applies(severities=(Severity.HIGH,))),
            respond(20, Applies()),
            Target(
                "update",
                Stage.UPDATE,
                CloseOfBusinessDay(10),
                rule="ISO 10002 7.3 (status at regular intervals; organization-defined)",
            ),
        ),
        source=PolicySource(
            "iso10002.default",
            "ISO 10002:2018 with this library's default targets (organization-defined)",
            (
                "https://knowledge.bsigroup.com/products/quality-management-customer-"
                "satisfaction-guidelines-for-complaints-handling-in-organizations/tracked-changes",
                "https://infostore.saiglobal.com/en-gb/standards/iso-10002-2018-587674_saig_iso_iso_2618234/",
                "https://canadacerts.ca/training/iso-10002-customer-complaint-handling/",
            ),
            date(2018, 7, 16),
            Confidence.SECONDARY,
            (
                "ISO 10002 sets no deadlines: 'acknowledged immediately' (7.4, via a "
                "secondary source) and 'at regular intervals' (7.3). The numbers are "
                "defaults for the organization to change.",
            ),
        ),
    )


# --- the registry -------------------------------------------------------------------------


@attrs.frozen
class Preset:
    """A registered preset: its id, its builder and the keyword its variant takes."""

    id: str
    build: Callable[..., SlaPolicy]
    variant: str | None

    def policy(self, **options: object) -> SlaPolicy:
        """Build the policy (``nation=``, ``state=``, ``country=``, ``calendar=`` …)."""
        try:
            return self.build(**options)
        except TypeError as exc:
            raise ConfigurationError(f"preset {self.id!r}: {exc}") from None


PRESETS: dict[str, Preset] = {
    p.id: p
    for p in (
        Preset("iso10002.default", iso10002_default, None),
        Preset("fca.disp", fca_disp, "nation"),
        Preset("fca.disp.standard", fca_disp_standard, "nation"),
        Preset("fca.disp.psd_emd", fca_disp_psd_emd, "nation"),
        Preset("fca.disp.ucits_cpm", fca_disp_ucits_cpm, "nation"),
        Preset("asic.rg271", asic_rg271, "state"),
        Preset("asic.rg271.standard", asic_rg271_standard, "state"),
        Preset("asic.rg271.super_trustee", asic_rg271_super_trustee, "state"),
        Preset("asic.rg271.credit_hardship", asic_rg271_credit_hardship, "state"),
        Preset("cfpb.portal", cfpb_portal, "zone"),
        Preset("eu.psd2.art101", eu_psd2_art101, "country"),
        Preset("ie.cbi.cpc", ie_cbi_cpc, None),
    )
}
"""Every preset by id."""


def ids() -> tuple[str, ...]:
    """The registered preset ids, sorted."""
    return tuple(sorted(PRESETS))


def get(preset_id: str, **options: object) -> SlaPolicy:
    """The policy of preset ``preset_id``, built with ``options`` (its variant, a calendar).

    Examples:
        >>> get("asic.rg271.standard", state="WA").calendar.zone
        'Australia/Perth'
        >>> get("fca.disp.8weeks")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: no SLA preset 'fca.disp.8weeks'; known: ...
    """
    preset = PRESETS.get(preset_id)
    if preset is None:
        raise ConfigurationError(f"no SLA preset {preset_id!r}; known: {', '.join(ids())}")
    return preset.policy(**options)


def markdown_table() -> str:
    """Every preset as Markdown: its targets, effective date, confidence, sources and notes.

    The docs' preset page is generated from it, so it cannot drift from the code.

    Examples:
        >>> markdown_table().splitlines()[0]
        '| Preset | Targets | Effective | Confidence | Sources |'
    """
    rows = ["| Preset | Targets | Effective | Confidence | Sources |", "|---|---|---|---|---|"]
    notes: list[str] = []
    for preset_id in ids():
        policy = get(preset_id)
        source = policy.source
        assert source is not None  # every registered preset has one
        targets = []
        for target in policy.targets:
            selector = target.applies.describe()
            text = f"**{target.name}**: {target.duration.describe()}"
            if selector:
                text += f" (if {selector})"
            if target.rule:
                text += f" — {target.rule}"
            if target.confidence is not None and target.confidence is not source.confidence:
                text += f" [{target.confidence.value}]"
            targets.append(text)
        if policy.retention is not None:
            targets.append(f"**retention**: {policy.retention.describe()}")
        links = ", ".join(f"[{n}]({url})" for n, url in enumerate(source.urls, start=1))
        effective = source.effective.isoformat() if source.effective else "not given"
        rows.append(
            f"| `{preset_id}`<br>{source.title} | {'<br>'.join(targets)} | {effective} | "
            f"{source.confidence.value} | {links} |"
        )
        if source.notes:
            notes.append(f"**`{preset_id}`**\n")
            notes.extend(f"- {note}" for note in source.notes)
            notes.append("")
    return "\n".join([*rows, "", "## Notes", "", *notes])

"""Process checks on the ways to complain: accessibility (4.5) and charges (4.8).

The UK rule is DISP 1.3.1ADR: a firm's telephone line for complaints must not cost more
than the basic rate, so numbers starting 09, 084, 0871, 0872 or 0873 do not comply (the
prefix list as reference/regimes.md A.4 gives it; one secondary source also names 0870,
which is not checked here, UNCONFIRMED).

Examples:
    >>> uk_premium_rate_prefix("0845 601 2345", country="GB")
    '084'
    >>> uk_premium_rate_prefix("+44 (0)20 7946 0000") is None
    True
"""

from __future__ import annotations

from iso10002.model import Channel
from iso10002.principles.checks import process_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity
from iso10002.principles.profile import ProcessProfile

__all__ = [
    "UK_PREMIUM_RATE_PREFIXES",
    "channels_offered",
    "free_channels",
    "uk_basic_rate_numbers",
    "uk_national_number",
    "uk_premium_rate_prefix",
]

UK_PREMIUM_RATE_PREFIXES: tuple[str, ...] = ("09", "084", "0871", "0872", "0873")
"""UK number ranges that cost a caller more than the basic rate (DISP 1.3.1ADR)."""

_SEPARATORS = str.maketrans("", "", " -.()/\u00a0")


def uk_national_number(contact: str, country: str | None = None) -> str | None:
    """``contact`` as a UK national number (``0…``), or ``None`` when it is not a UK one.

    International forms (``+44``, ``0044``, with or without the ``(0)``) are UK numbers
    whatever ``country`` says; a national form (``0…``) is taken as UK when ``country`` is
    ``"GB"``.

    Examples:
        >>> uk_national_number("+44 (0)845 601-2345")
        '08456012345'
        >>> uk_national_number("0845 601 2345") is None, uk_national_number("0845 601 2345", "GB")
        (True, '08456012345')
    """
    text = contact.replace("(0)", "").translate(_SEPARATORS)
    for international in ("+44", "0044"):
        if text.startswith(international):
            text = "0" + text[len(international) :]
            break
    else:
        if country != "GB":
            return None
    if not text.startswith("0") or not text.isdigit():
        return None
    return text


def uk_premium_rate_prefix(contact: str, country: str | None = None) -> str | None:
    """The premium-rate or revenue-sharing prefix ``contact`` starts with, if any.

    Examples:
        >>> uk_premium_rate_prefix("0871 222 3333", "GB"), uk_premium_rate_prefix("0800 111", "GB")
        ('0871', None)
    """
    number = uk_national_number(contact, country)
    if number is None:
        return None
    return next((p for p in UK_PREMIUM_RATE_PREFIXES if number.startswith(p)), None)


@process_check(
    "accessibility.channels",
    principle=Principle.ACCESSIBILITY,
    checks=(
        "Complainants can choose among at least min_channels kinds of channel (telephone, "
        "e-mail, letter, web…), and at least one channel offers accessibility support such "
        "as text relay or large print."
    ),
)
def channels_offered(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 4.5: the process is easy to reach, for everyone.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> channels_offered(conforming_profile(START), CheckContext(at=START))
        ()
    """
    offers = profile.channels
    if not offers:
        return (
            channels_offered.finding(
                FindingSeverity.MAJOR, "the profile describes no way to make a complaint"
            ),
        )
    findings = []
    kinds = sorted({o.channel.value.replace("_", " ") for o in offers})
    if len(kinds) < context.min_channels:
        findings.append(
            channels_offered.finding(
                FindingSeverity.MAJOR,
                f"complaints can be made only by {' and '.join(kinds)}; at least "
                f"{context.min_channels} kinds of channel are expected",
            )
        )
    if not any(o.accessibility for o in offers):
        findings.append(
            channels_offered.finding(
                FindingSeverity.MINOR,
                "no channel offers accessibility support (text relay, large print, "
                "another language…) for complainants who need it",
            )
        )
    return tuple(findings)


@process_check(
    "charges.free_channels",
    principle=Principle.CHARGES,
    checks="Every way to complain is free of charge to the complainant.",
)
def free_channels(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 4.8: making a complaint costs nothing.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> free_channels(conforming_profile(START), CheckContext(at=START))
        ()
    """
    return tuple(
        free_channels.finding(
            FindingSeverity.MAJOR,
            f"complaining by {o.channel.value.replace('_', ' ')} ({o.contact}) costs the "
            "complainant money",
        )
        for o in profile.channels
        if not o.free_of_charge
    )


@process_check(
    "charges.uk_basic_rate_numbers",
    principle=Principle.CHARGES,
    checks=(
        "No UK telephone line for complaints starts with a premium-rate or revenue-sharing "
        "prefix (09, 084, 0871, 0872, 0873), so calls cost no more than the basic rate "
        "(DISP 1.3.1ADR)."
    ),
)
def uk_basic_rate_numbers(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """DISP 1.3.1ADR (ISO 10002 4.8): UK complaints lines cost no more than the basic rate.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> uk_basic_rate_numbers(conforming_profile(START), CheckContext(at=START))
        ()
    """
    findings = []
    for offer in profile.channels:
        if offer.channel is not Channel.PHONE:
            continue
        prefix = uk_premium_rate_prefix(offer.contact, offer.country or profile.country)
        if prefix is not None:
            findings.append(
                uk_basic_rate_numbers.finding(
                    FindingSeverity.CRITICAL,
                    f"the complaints line {offer.contact} is in the {prefix} range, which costs "
                    "callers more than the basic rate (DISP 1.3.1ADR); offer a 01, 02, 03 or "
                    "080 number",
                )
            )
    return tuple(findings)

"""Differential test against the peer libraries, on a plain Monday-Friday calendar.

Thousands of seeded random cases, 09:00-17:00 Europe/London with England's bank holidays,
compared with ``businesstimedelta`` and pandas ``CustomBusinessHour``. Every disagreement
is one the docs explain (docs/concepts/sla.md, "Compared with other libraries"):

* pandas reports the *next opening* when the budget runs out exactly at a close (Fri
  16:00 + 1 h is Mon 09:00 there, Fri 17:00 here); the business time is the same;
* businesstimedelta loses the sign of a reversed interval and rolls ``+0`` to the next
  opening; we keep the sign and return the start.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

import businesstimedelta as btd
import holidays
import pandas as pd
import pytz

from sla.support import ENGLAND, LONDON

UTC = timezone.utc
H = timedelta(hours=1)
RNG = random.Random(10002)
INSTANTS = [
    datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=RNG.randrange(3 * 365 * 24 * 60))
    for _ in range(3000)
]
HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2023, 2029))
PYTZ_LONDON = pytz.timezone("Europe/London")
RULES = btd.Rules(
    [
        btd.WorkDayRule(
            start_time=time(9), end_time=time(17), working_days=[0, 1, 2, 3, 4], tz=PYTZ_LONDON
        ),
        btd.HolidayRule(HOLIDAYS, tz=PYTZ_LONDON),
    ]
)


def _pandas_add(start: datetime, hours: int) -> datetime:
    offset = pd.offsets.CustomBusinessHour(
        n=hours, start="09:00", end="17:00", holidays=list(HOLIDAYS)
    )
    local = pd.Timestamp(start.astimezone(LONDON).replace(tzinfo=None)) + offset
    # Results fall inside working hours, never in a DST gap or fold.
    return local.to_pydatetime().replace(tzinfo=LONDON)


def test_adding_hours_agrees_with_pandas_up_to_the_exact_close_convention() -> None:
    convention = 0
    for start in INSTANTS[:2000]:
        hours = RNG.randrange(1, 81)
        ours = ENGLAND.add(start, hours * H)
        theirs = _pandas_add(start, hours)
        # Same business time whichever instant each picks ...
        assert ENGLAND.between(start, theirs) == hours * H
        if ours != theirs:
            # ... and the only difference: pandas moves an exact close to the next opening.
            assert ours.time() == time(17), (start, hours, ours, theirs)
            assert theirs == ENGLAND.next_open(ours + timedelta(microseconds=1))
            convention += 1
    assert 0 < convention < 2000


def test_adding_hours_agrees_with_businesstimedelta() -> None:
    for start in INSTANTS[:1500]:
        hours = RNG.randrange(1, 25)
        theirs = start + btd.BusinessTimeDelta(RULES, hours=hours)
        assert ENGLAND.add(start, hours * H) == theirs, (start, hours)


def test_business_time_between_agrees_with_businesstimedelta() -> None:
    for start in INSTANTS[:400]:
        end = start + timedelta(minutes=RNG.randrange(0, 5 * 24 * 60))
        theirs = RULES.difference(start, end).timedelta
        assert ENGLAND.between(start, end) == theirs, (start, end)


def test_known_disagreements_with_businesstimedelta() -> None:
    tuesday_noon = datetime(2026, 1, 6, 12, tzinfo=LONDON)
    tuesday_ten = datetime(2026, 1, 6, 10, tzinfo=LONDON)
    # A reversed interval: businesstimedelta sorts its arguments, we keep the sign.
    assert RULES.difference(tuesday_noon, tuesday_ten).timedelta == 2 * H
    assert ENGLAND.between(tuesday_noon, tuesday_ten) == -2 * H
    # Adding zero on a closed instant: businesstimedelta rolls to the next opening.
    saturday = datetime(2026, 1, 10, 12, tzinfo=LONDON)
    assert saturday + btd.BusinessTimeDelta(RULES, hours=0) == ENGLAND.next_open(saturday)
    assert ENGLAND.add(saturday, timedelta(0)) == saturday


def test_the_pandas_convention_on_the_documented_example() -> None:
    friday = datetime(2026, 1, 9, 16, tzinfo=LONDON)
    assert _pandas_add(friday, 1) == datetime(2026, 1, 12, 9, tzinfo=LONDON)
    assert ENGLAND.add(friday, H) == datetime(2026, 1, 9, 17, tzinfo=LONDON)

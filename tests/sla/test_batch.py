"""The numpy batch API answers exactly as the scalar API does."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from iso10002.errors import ValidationError
from iso10002.sla import BusinessCalendar, WeeklyHours
from iso10002.sla.batch import add_business_time, business_time_between
from sla.support import ENGLAND

UTC = timezone.utc
RNG = random.Random(7)
STARTS = [
    datetime(2024, 1, 1, tzinfo=UTC)
    + timedelta(microseconds=RNG.randrange(3 * 365 * 86_400 * 10**6))
    for _ in range(2000)
]
NIGHTS = BusinessCalendar("Europe/London", WeeklyHours.of({"mon-sat": "22:00-06:00"}))


def as_array(values: list[datetime]) -> np.ndarray:
    return np.array(
        [v.astimezone(UTC).replace(tzinfo=None) for v in values], dtype="datetime64[us]"
    )


def as_datetimes(array: np.ndarray) -> list[datetime]:
    return [v.replace(tzinfo=UTC) for v in array.astype("datetime64[us]").tolist()]


@pytest.mark.parametrize("calendar", [ENGLAND, NIGHTS], ids=["england", "nights"])
@pytest.mark.parametrize("hours", [40, 1000, -40, 0, 0.5])
def test_batch_add_equals_scalar_add(calendar: BusinessCalendar, hours: float) -> None:
    duration = timedelta(hours=hours)
    batch = as_datetimes(add_business_time(calendar, as_array(STARTS), duration))
    # Compared in UTC: an instant in the repeated autumn hour never compares equal across
    # zones (PEP 495), though it is the same instant.
    assert batch == [calendar.add(s, duration).astimezone(UTC) for s in STARTS]


@pytest.mark.parametrize("calendar", [ENGLAND, NIGHTS], ids=["england", "nights"])
def test_batch_between_equals_scalar_between(calendar: BusinessCalendar) -> None:
    ends = [s + timedelta(minutes=RNG.randrange(-90 * 1440, 90 * 1440)) for s in STARTS]
    batch = business_time_between(calendar, as_array(STARTS), as_array(ends))
    assert batch.tolist() == [calendar.between(a, b) for a, b in zip(STARTS, ends, strict=True)]


def test_empty_arrays_give_empty_answers() -> None:
    empty = np.array([], dtype="datetime64[us]")
    assert add_business_time(ENGLAND, empty, timedelta(hours=1)).size == 0
    assert business_time_between(ENGLAND, empty, empty).size == 0


def test_bad_arrays_are_refused() -> None:
    with pytest.raises(ValidationError, match="datetime64"):
        add_business_time(ENGLAND, np.array([1, 2]), timedelta(hours=1))
    with pytest.raises(ValidationError, match="NaT"):
        add_business_time(ENGLAND, np.array(["NaT"], dtype="datetime64[us]"), timedelta(hours=1))
    with pytest.raises(ValidationError, match="same shape"):
        business_time_between(ENGLAND, as_array(STARTS[:2]), as_array(STARTS[:3]))

"""The office: its staff and their roles, its SLA policy, and the complaints file it opens.

A small office keeps its complaints in one SQLite file (:class:`~iso10002.SQLiteStore`). Who
may do what is the office's own rule, handed to the desk as its access policy
(:class:`~iso10002.RolePolicy`), and every refused attempt is kept in a journal beside the
file (ISO 10002 4.12: attempts are evidence too).

Examples:
    >>> import tempfile, pathlib
    >>> from datetime import datetime, timezone
    >>> from iso10002 import ManualClock
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "office.sqlite3"
    >>> clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    >>> with Office.open(path, create=True, clock=clock) as office:
    ...     office.member("lead:kim").name, office.desk.store.count()
    ('Kim Okafor', 0)
    >>> folder.cleanup()
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from iso10002 import ComplaintsDesk, RolePolicy, SlaPolicy, SQLiteStore
from iso10002.access import VIEW, AccessRefusal, RefusalLog
from iso10002.clock import Clock, system_clock
from iso10002.errors import ConfigurationError
from iso10002.sla import BusinessCalendar, presets

__all__ = [
    "CURRENCY",
    "DEFAULT_PRESET",
    "GRANTS",
    "STAFF",
    "Office",
    "RefusalJournal",
    "StaffMember",
    "access_policy",
    "office_calendar",
    "office_policy",
]

_log = logging.getLogger(__name__)

CURRENCY = "GBP"
"""The currency of redress and charges in this office."""

DEFAULT_PRESET = "iso10002.default"
"""The SLA preset the office works to unless told otherwise (``--preset``)."""

# What each role may do. The names are the lifecycle's events (iso10002.access.ACTIONS);
# decisions, escalation and closing are kept for the team lead (ISO 10002 6.4
# responsibilities and authority), erasure for the data protection officer (4.10).
_HANDLING = frozenset(
    {
        VIEW,
        "receive",
        "acknowledge",
        "assess",
        "assign",
        "start_investigation",
        "record_progress",
        "send_holding_response",
        "pause_clock",
        "resume_clock",
        "communicate_decision",
        "accept",
        "reject",
        "refer_externally",
        "withdraw",
        "add_note",
        "record_root_cause",
        "complete_action",
        "offer_survey",
        "record_satisfaction",
        "record_charge",
    }
)
GRANTS: Mapping[str, frozenset[str]] = {
    "handler": _HANDLING,
    "lead": _HANDLING | {"decide", "escalate", "close", "reopen"},
    "auditor": frozenset({VIEW}),
    "dpo": frozenset({VIEW, "add_note", "redact"}),
}
"""The actions each role is granted."""


@attrs.frozen
class StaffMember:
    """A person who may sign in to the desk, with the roles the access policy reads.

    Examples:
        >>> StaffMember("agent:ana", "Ana Silva", frozenset({"handler"})).label
        'Ana Silva — handler'
    """

    actor: str
    name: str
    roles: frozenset[str]

    @property
    def label(self) -> str:
        """How the user picker shows the person."""
        return f"{self.name} — {', '.join(sorted(self.roles))}"


STAFF: tuple[StaffMember, ...] = (
    StaffMember("agent:ana", "Ana Silva", frozenset({"handler"})),
    StaffMember("agent:bo", "Bo Chen", frozenset({"handler"})),
    StaffMember("lead:kim", "Kim Okafor", frozenset({"lead"})),
    StaffMember("auditor:sam", "Sam Patel", frozenset({"auditor"})),
    StaffMember("dpo:lee", "Lee Morgan", frozenset({"dpo"})),
)
"""The office's staff directory."""


def access_policy(
    staff: Iterable[StaffMember] = STAFF, grants: Mapping[str, Collection[str]] = GRANTS
) -> RolePolicy:
    """The desk's access policy: each member's roles, each role's grants.

    Examples:
        >>> policy = access_policy()
        >>> policy("agent:ana", "decide", None), policy("lead:kim", "decide", None)
        (False, True)
    """
    return RolePolicy(roles={m.actor: m.roles for m in staff}, grants=grants)


def office_calendar() -> BusinessCalendar:
    """Monday to Friday, 09:00 to 17:00 in London, without England's bank holidays.

    Examples:
        >>> office_calendar().zone
        'Europe/London'
    """
    return BusinessCalendar.for_country("GB", "ENG", zone="Europe/London")


def office_policy(preset: str = DEFAULT_PRESET) -> SlaPolicy:
    """The SLA preset ``preset`` on the office's calendar.

    Examples:
        >>> office_policy("fca.disp.standard").name
        'fca.disp.standard'
    """
    return presets.get(preset, calendar=office_calendar())


class RefusalJournal(RefusalLog):
    """Keeps refused attempts for the window and appends each to a text file.

    A failure to write the file is logged and does not hide the refusal from the caller.

    Examples:
        >>> from datetime import datetime, timezone
        >>> journal = RefusalJournal(None)
        >>> journal.record(AccessRefusal(
        ...     datetime(2026, 1, 5, 9, tzinfo=timezone.utc), "auditor:sam", "close", "C-1"))
        >>> [str(r) for r in journal.refusals]
        ['2026-01-05T09:00:00+00:00 auditor:sam was refused close on complaint C-1']
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._refusals: list[AccessRefusal] = []

    def record(self, refusal: AccessRefusal) -> None:
        """Remember ``refusal`` and append it to the journal file."""
        with self._lock:
            self._refusals.append(refusal)
            if self.path is None:
                return
            try:
                with self.path.open("a", encoding="utf-8") as journal:
                    journal.write(f"{refusal}\n")
            except OSError:
                _log.exception("could not write the refusal journal %s", self.path)

    @property
    def refusals(self) -> tuple[AccessRefusal, ...]:
        """The refusals recorded since the file was opened, oldest first."""
        with self._lock:
            return tuple(self._refusals)


class Office:
    """An open complaints file: the store, the desk on it, the staff and the SLA policy.

    Open one with :meth:`open`; close it with :meth:`close` (or use ``with``).
    """

    def __init__(
        self,
        store: SQLiteStore,
        *,
        policy: SlaPolicy,
        clock: Clock = system_clock,
        staff: tuple[StaffMember, ...] = STAFF,
        refusals: RefusalJournal | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.staff = staff
        self.refusals = refusals if refusals is not None else RefusalJournal(None)
        self.desk = ComplaintsDesk(
            store, policy, clock, access=access_policy(staff), refusals=self.refusals
        )
        self.zone = ZoneInfo(policy.calendar.zone)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool | None = None,
        preset: str = DEFAULT_PRESET,
        clock: Clock = system_clock,
    ) -> Office:
        """Open the complaints file at ``path``.

        ``create=True`` makes a new file and refuses an existing one; ``create=False`` opens
        an existing file and refuses a missing one; ``None`` does either. A file that is not
        a complaints database is refused with :class:`~iso10002.errors.ConfigurationError`.
        Refused attempts are journalled in ``<file>.refusals.txt``.

        Examples:
            >>> Office.open("/nowhere/complaints.sqlite3", create=False)
            Traceback (most recent call last):
            ...
            iso10002.errors.ConfigurationError: there is no complaints file at /nowhere/...
        """
        file = Path(path)
        if create is True and file.exists():
            raise ConfigurationError(f"{file} already exists: open it instead of creating it")
        if create is False and not file.exists():
            raise ConfigurationError(f"there is no complaints file at {file}")
        policy = office_policy(preset)
        store = SQLiteStore(file, clock=clock)
        journal = RefusalJournal(file.with_name(f"{file.name}.refusals.txt"))
        return cls(store, policy=policy, clock=clock, refusals=journal)

    @property
    def path(self) -> Path | None:
        """The complaints file."""
        return self.store.path

    def member(self, actor: str) -> StaffMember:
        """The staff member signed in as ``actor`` (``ConfigurationError`` if unknown)."""
        for member in self.staff:
            if member.actor == actor:
                return member
        raise ConfigurationError(f"{actor!r} is not on the office's staff list")

    def close(self) -> None:
        """Close the file."""
        self.store.close()

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

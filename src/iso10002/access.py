"""Who may do what to a complaint: the desk's access-control hook.

A host hands :class:`~iso10002.desk.ComplaintsDesk` an :data:`AccessPolicy`: any callable
``(actor, action, complaint) -> bool``. ``action`` is the lifecycle event the use case records
(``"acknowledge"``, ``"decide"``, ``"redact"`` …, see :data:`ACTIONS`) or ``"view"`` for reads
made on someone's behalf; ``complaint`` is the current snapshot (``None`` for ``"receive"``).

A refused call changes nothing: the desk asks the policy before it decides or writes anything,
records an :class:`AccessRefusal` in its :class:`RefusalLog` (ISO 10002 4.12 accountability:
attempts are evidence too) and raises :class:`~iso10002.errors.AccessDenied`.

Examples:
    >>> policy = RolePolicy(
    ...     roles={"agent:ana": {"handler"}, "auditor:sam": {"auditor"}},
    ...     grants={"handler": ACTIONS, "auditor": {"view"}},
    ... )
    >>> policy("agent:ana", "decide", None), policy("auditor:sam", "decide", None)
    (True, False)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

import attrs

from iso10002.errors import ConfigurationError
from iso10002.lifecycle import TRANSITIONS
from iso10002.model import Complaint

__all__ = [
    "ACTIONS",
    "VIEW",
    "AccessPolicy",
    "AccessRefusal",
    "LoggingRefusalLog",
    "MemoryRefusalLog",
    "RefusalLog",
    "RolePolicy",
    "allow_all",
]

AccessPolicy = Callable[[str, str, Complaint | None], bool]
"""``(actor, action, complaint) -> allowed``: the host's rule for every use case."""

VIEW = "view"
"""The action a policy is asked about for reads made on an actor's behalf."""
ACTIONS: frozenset[str] = frozenset({*TRANSITIONS.events, VIEW})
"""Every action a policy is asked about: the lifecycle's events, and ``"view"``."""


def allow_all(actor: str, action: str, complaint: Complaint | None) -> bool:
    """The policy of a desk given none: everyone may do everything.

    Examples:
        >>> allow_all("anyone", "redact", None)
        True
    """
    return True


@attrs.frozen
class RolePolicy:
    """Role-based access: actors have roles, roles are granted actions.

    ``roles`` maps an actor to its roles; ``grants`` maps a role to the actions it may take
    (use :data:`ACTIONS` for all of them). An actor with no role may do nothing.

    Examples:
        >>> policy = RolePolicy(roles={"lead:kim": {"lead"}}, grants={"lead": {"decide"}})
        >>> policy("lead:kim", "decide", None), policy("lead:kim", "redact", None)
        (True, False)
    """

    roles: Mapping[str, Collection[str]]
    grants: Mapping[str, Collection[str]]

    def __attrs_post_init__(self) -> None:
        unknown = sorted({a for acts in self.grants.values() for a in acts} - ACTIONS)
        if unknown:
            raise ConfigurationError(
                f"grants name actions the lifecycle does not know: {', '.join(unknown)}"
            )

    def __call__(self, actor: str, action: str, complaint: Complaint | None) -> bool:
        """Whether one of ``actor``'s roles is granted ``action``."""
        return any(action in self.grants.get(role, ()) for role in self.roles.get(actor, ()))


@attrs.frozen
class AccessRefusal:
    """One refused attempt: who tried what, on which complaint, when."""

    at: datetime
    actor: str
    action: str
    complaint_id: str | None

    def __str__(self) -> str:
        target = f"complaint {self.complaint_id}" if self.complaint_id else "a new complaint"
        return f"{self.at.isoformat()} {self.actor} was refused {self.action} on {target}"


class RefusalLog:
    """Where a desk records refusals. Subclass and override :meth:`record` to persist them."""

    def record(self, refusal: AccessRefusal) -> None:
        """Keep ``refusal``. Must not raise: a refusal is raised to the caller regardless."""
        raise NotImplementedError


class LoggingRefusalLog(RefusalLog):
    """Records refusals as warnings on the ``iso10002.access`` logger (the default).

    Examples:
        >>> from datetime import timezone
        >>> LoggingRefusalLog().record(AccessRefusal(
        ...     datetime(2026, 1, 5, tzinfo=timezone.utc), "guest", "close", "C-1"))
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger("iso10002.access")

    def record(self, refusal: AccessRefusal) -> None:
        """Log ``refusal`` at WARNING, with its fields as ``extra``."""
        self.logger.warning("access refused: %s", refusal, extra={"refusal": refusal})


class MemoryRefusalLog(RefusalLog):
    """Keeps refusals in a list (tests, or a host that flushes them somewhere itself).

    Examples:
        >>> from datetime import timezone
        >>> log = MemoryRefusalLog()
        >>> log.record(AccessRefusal(datetime(2026, 1, 5, tzinfo=timezone.utc), "x", "view", None))
        >>> [r.actor for r in log.refusals]
        ['x']
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refusals: list[AccessRefusal] = []

    def record(self, refusal: AccessRefusal) -> None:
        """Append ``refusal``."""
        with self._lock:
            self._refusals.append(refusal)

    @property
    def refusals(self) -> tuple[AccessRefusal, ...]:
        """Every refusal recorded, oldest first."""
        with self._lock:
            return tuple(self._refusals)

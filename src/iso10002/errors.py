"""The exceptions every public entry point raises.

One root, :class:`Iso10002Error`, so a host can catch everything the library refuses with a
single ``except``; a subclass per kind of refusal, each carrying the facts a caller needs to
show a person what went wrong.

Examples:
    >>> from iso10002.errors import ValidationError
    >>> err = ValidationError(["complainant.contact.email: not an e-mail address"])
    >>> print(err)
    1 invalid field:
      - complainant.contact.email: not an e-mail address
    >>> isinstance(err, ValueError)
    True
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AccessDenied",
    "ConcurrencyConflict",
    "ConfigurationError",
    "IntegrityViolation",
    "Iso10002Error",
    "NotFound",
    "StorageError",
    "TransitionNotAllowed",
    "ValidationError",
]


class Iso10002Error(Exception):
    """Root of every error the library raises on purpose."""


class ValidationError(Iso10002Error, ValueError):
    """Input that does not describe a valid record.

    ``errors`` lists every bad field, each as ``"path: what is wrong"`` in plain words, so a
    form or an API response can show all of them at once rather than the first only.

    Examples:
        >>> ValidationError(["at: must be timezone-aware", "actor: must not be empty"]).errors
        ('at: must be timezone-aware', 'actor: must not be empty')
    """

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors: tuple[str, ...] = tuple(errors) or ("invalid input",)
        super().__init__(self.errors)

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{count} invalid field{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {line}" for line in self.errors)])

    def __reduce__(self) -> tuple[type[ValidationError], tuple[tuple[str, ...]]]:
        return (type(self), (self.errors,))


class TransitionNotAllowed(Iso10002Error):
    """The lifecycle refuses an event in the complaint's current state.

    Examples:
        >>> err = TransitionNotAllowed("received", "close", "no decision has been communicated")
        >>> print(err)
        cannot close while the complaint is 'received': no decision has been communicated
    """

    def __init__(self, state: str, event: str, reason: str) -> None:
        self.state = state
        self.event = event
        self.reason = reason
        super().__init__(state, event, reason)

    def __str__(self) -> str:
        action = self.event.replace("_", " ")
        return f"cannot {action} while the complaint is {self.state!r}: {self.reason}"

    def __reduce__(self) -> tuple[type[TransitionNotAllowed], tuple[str, str, str]]:
        return (type(self), (self.state, self.event, self.reason))


class ConcurrencyConflict(Iso10002Error):
    """Someone else changed the complaint first: ``expected_version`` is stale.

    Nothing was written. Reload the complaint, decide again, and retry.

    Examples:
        >>> print(ConcurrencyConflict("C-1", expected_version=3, actual_version=4))
        complaint 'C-1' is at version 4, not 3: it changed since it was read
    """

    def __init__(self, complaint_id: str, expected_version: int, actual_version: int) -> None:
        self.complaint_id = complaint_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(complaint_id, expected_version, actual_version)

    def __str__(self) -> str:
        return (
            f"complaint {self.complaint_id!r} is at version {self.actual_version}, "
            f"not {self.expected_version}: it changed since it was read"
        )

    def __reduce__(self) -> tuple[type[ConcurrencyConflict], tuple[str, int, int]]:
        return (type(self), (self.complaint_id, self.expected_version, self.actual_version))


class NotFound(Iso10002Error, LookupError):
    """No complaint with that id exists in the store.

    Examples:
        >>> print(NotFound("C-404"))
        no complaint with id 'C-404'
    """

    def __init__(self, complaint_id: str) -> None:
        self.complaint_id = complaint_id
        super().__init__(complaint_id)

    def __str__(self) -> str:
        return f"no complaint with id {self.complaint_id!r}"

    def __reduce__(self) -> tuple[type[NotFound], tuple[str]]:
        return (type(self), (self.complaint_id,))


class AccessDenied(Iso10002Error, PermissionError):
    """The desk's access policy refused the actor this action; nothing was changed.

    Examples:
        >>> print(AccessDenied("guest", "close", "C-1"))
        'guest' may not close complaint 'C-1'
    """

    def __init__(self, actor: str, action: str, complaint_id: str | None) -> None:
        self.actor = actor
        self.action = action
        self.complaint_id = complaint_id
        super().__init__(actor, action, complaint_id)

    def __str__(self) -> str:
        action = self.action.replace("_", " ")
        target = f"complaint {self.complaint_id!r}" if self.complaint_id else "a new complaint"
        return f"{self.actor!r} may not {action} {target}"

    def __reduce__(self) -> tuple[type[AccessDenied], tuple[str, str, str | None]]:
        return (type(self), (self.actor, self.action, self.complaint_id))


class IntegrityViolation(Iso10002Error):
    """Stored records fail verification: an event chain is broken or the data is corrupt."""


class ConfigurationError(Iso10002Error):
    """The library was set up in a way that cannot work (a bad calendar, policy or store)."""


class StorageError(Iso10002Error):
    """The database could not complete a call: the connection was lost, the server refused
    or failed, a lock could not be had in time.

    The call's transaction was rolled back, so nothing of it was written — unless the
    connection dropped during the commit itself, when the outcome is unknown: re-read the
    complaint (its version says whether the write landed) before retrying. Receipts with an
    idempotency key are safe to retry either way.

    Examples:
        >>> print(StorageError("the connection to the database was lost"))
        the connection to the database was lost
    """

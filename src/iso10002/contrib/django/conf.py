"""The app's settings, one namespaced dict ``settings.ISO10002``, and the desk they build.

Every key is optional:

    ISO10002 = {
        "POLICY": "fca.disp.standard",        # an SLA preset id, or a dotted path (below)
        "POLICY_OPTIONS": {"nation": "SCT"},  # options of that preset (presets.get(id, **…))
        "ACCESS": "mysite.access.policy",     # (actor, action, complaint) -> bool
        "CLOCK": "iso10002.clock.system_clock",
        "DATABASE": "default",                # the alias DjangoStore writes to
        "REFUSALS": "mysite.access.AuditTrail",  # a RefusalLog
        "LISTENERS": ["mysite.audit.Listener"],  # python-statemachine listeners
        "ID_FACTORY": "iso10002.desk.new_complaint_id",
        "PAGE_SIZE": 500,                     # rows per query when the store streams
    }

A value is the object itself or a dotted path to it; a dotted path naming a class is
instantiated without arguments, and ``POLICY`` may also name a function that returns the
policy (a preset's factory, say), called without arguments. The app checks the whole dict
when Django starts (:meth:`~iso10002.contrib.django.apps.Iso10002Config.ready`) and refuses
to start with one :class:`~django.core.exceptions.ImproperlyConfigured` naming every bad key.

:func:`get_desk` gives the :class:`~iso10002.desk.ComplaintsDesk` those settings describe,
built once per process on a :class:`~iso10002.contrib.django.store.DjangoStore`; changing
the settings (``override_settings`` in tests) builds a new one.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Mapping, Sequence

import attrs
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from iso10002._checks import instant
from iso10002.access import AccessPolicy, LoggingRefusalLog, RefusalLog, allow_all
from iso10002.clock import Clock, system_clock
from iso10002.desk import ComplaintsDesk, DeskPolicy, new_complaint_id
from iso10002.errors import Iso10002Error
from iso10002.sla import presets

__all__ = ["KEYS", "SETTING", "Iso10002Settings", "get_desk", "get_settings", "load_settings"]

SETTING = "ISO10002"
"""The name of the settings dict."""

KEYS = (
    "POLICY",
    "POLICY_OPTIONS",
    "ACCESS",
    "CLOCK",
    "DATABASE",
    "REFUSALS",
    "LISTENERS",
    "ID_FACTORY",
    "PAGE_SIZE",
)
"""The keys ``settings.ISO10002`` may have."""


@attrs.frozen
class Iso10002Settings:
    """``settings.ISO10002``, checked and resolved: what :func:`get_desk` builds from.

    Examples:
        >>> defaults = load_settings({})
        >>> defaults.policy is None, defaults.database, defaults.page_size
        (True, 'default', 500)
    """

    policy: DeskPolicy | None = None
    access: AccessPolicy = allow_all
    clock: Clock = system_clock
    database: str = "default"
    refusals: RefusalLog = attrs.field(factory=LoggingRefusalLog)
    listeners: tuple[object, ...] = ()
    id_factory: Callable[[], str] = new_complaint_id
    page_size: int = 500

    def build_desk(self) -> ComplaintsDesk:
        """A new desk on a :class:`~iso10002.contrib.django.store.DjangoStore` of ``database``.

        Examples:
            >>> desk = load_settings({"POLICY": "fca.disp.standard"}).build_desk()
            >>> type(desk.store).__name__, desk.policy.name
            ('DjangoStore', 'fca.disp.standard')
        """
        from iso10002.contrib.django.store import DjangoStore

        return ComplaintsDesk(
            DjangoStore(self.database, clock=self.clock, page_size=self.page_size),
            self.policy,
            self.clock,
            listeners=self.listeners,
            id_factory=self.id_factory,
            access=self.access,
            refusals=self.refusals,
        )


def load_settings(raw: object) -> Iso10002Settings:
    """Check and resolve a ``settings.ISO10002`` value (``None``: every default).

    Raises :class:`~django.core.exceptions.ImproperlyConfigured` naming every bad key, with
    what is wrong and what is expected.

    Examples:
        >>> load_settings({"POLICY": "asic.rg271.standard"}).policy.name
        'asic.rg271.standard'
        >>> load_settings({"POLICY": "fca.disp.8weeks", "PAGE_SIZE": 0, "COLOUR": "red"})
        Traceback (most recent call last):
        ...
        django.core.exceptions.ImproperlyConfigured: settings.ISO10002 is invalid (3 problems):
          - ISO10002['COLOUR']: unknown key; the keys are POLICY, POLICY_OPTIONS, ACCESS, ...
          - ISO10002['POLICY']: 'fca.disp.8weeks' is neither an SLA preset id (known: ...) ...
          - ISO10002['PAGE_SIZE']: expected a positive whole number, got 0
    """
    if raw is None:
        return Iso10002Settings()
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"settings.{SETTING} must be a dict, got {type(raw).__name__}")
    problems: list[str] = [
        f"{SETTING}[{key!r}]: unknown key; the keys are {', '.join(KEYS)}"
        for key in raw
        if key not in KEYS
    ]
    values: dict[str, object] = {}
    for key, resolve in _RESOLVERS.items():
        if key not in raw:
            continue
        try:
            values[key.lower()] = resolve(raw[key], raw)
        except _Bad as bad:
            problems.append(f"{SETTING}[{key!r}]: {bad}")
    policy = raw.get("POLICY")
    if "POLICY_OPTIONS" in raw and not (isinstance(policy, str) and policy in presets.ids()):
        # The options are a preset's (presets.get(id, **options)); anything else takes none.
        problems.append(
            f"{SETTING}['POLICY_OPTIONS']: options are for an SLA preset, and "
            f"{SETTING}['POLICY'] is {policy!r}, not a preset id"
        )
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ImproperlyConfigured(f"settings.{SETTING} is invalid ({count}):\n{listing}")
    return Iso10002Settings(**values)  # type: ignore[arg-type]  # each resolver checked its type


_lock = threading.Lock()
_cache: dict[str, object] = {}


def get_settings() -> Iso10002Settings:
    """``settings.ISO10002`` checked and resolved, once per process (and per settings change).

    Examples:
        >>> get_settings().database
        'default'
    """
    with _lock:
        found = _cache.get("settings")
        if not isinstance(found, Iso10002Settings):
            found = load_settings(getattr(settings, SETTING, None))
            _cache["settings"] = found
        return found


def get_desk() -> ComplaintsDesk:
    """The desk ``settings.ISO10002`` describes: one per process, shared by every thread.

    Its store is a :class:`~iso10002.contrib.django.store.DjangoStore` on
    ``ISO10002["DATABASE"]``; its policy, access policy, clock, refusal log, listeners and id
    factory are those of the settings. Views call it per request; it is built on first use.

    Examples:
        >>> desk = get_desk()
        >>> desk is get_desk(), desk.store.using
        (True, 'default')
    """
    current = get_settings()
    with _lock:
        desk = _cache.get("desk")
        if not isinstance(desk, ComplaintsDesk) or _cache.get("desk_for") is not current:
            desk = current.build_desk()
            _cache["desk"], _cache["desk_for"] = desk, current
        return desk


def _reset(*, setting: str, **_: object) -> None:
    """Forget the settings and the desk when Django's settings change (``override_settings``)."""
    if setting in (SETTING, "DATABASES"):
        with _lock:
            _cache.clear()


setting_changed.connect(_reset, dispatch_uid="iso10002.contrib.django.conf._reset")


# --- resolving each key -------------------------------------------------------------------


class _Bad(Exception):
    """One key's problem, collected into the ImproperlyConfigured message."""


def _load(value: object) -> object:
    """``value`` itself, or the object its dotted path names (a class: an instance of it)."""
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as exc:
            raise _Bad(f"cannot import {value!r} ({exc})") from None
        if isinstance(value, type):
            cls = value
            try:
                value = cls()
            except Exception as exc:
                raise _Bad(f"cannot instantiate {cls.__qualname__}() ({exc})") from None
    return value


def _takes(function: object, *arguments: object) -> bool:
    """Whether ``function`` can be called with ``arguments`` (positionally)."""
    if not callable(function):
        return False
    try:
        inspect.signature(function).bind(*arguments)
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (some builtins): trust it
        return True
    return True


def _is_policy(value: object) -> bool:
    return all(hasattr(value, name) for name in ("lifecycle_rules", "next_due", "retain_until"))


def _policy(value: object, raw: Mapping[str, object]) -> DeskPolicy | None:
    if value is None:
        return None
    options = raw.get("POLICY_OPTIONS", {})
    if isinstance(value, str) and value in presets.ids():
        if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
            raise _Bad(f"POLICY_OPTIONS must be a dict of option names, got {options!r}")
        try:
            return presets.get(value, **options)
        except (TypeError, Iso10002Error) as exc:
            raise _Bad(f"preset {value!r} with options {dict(options)!r}: {exc}") from None
    if isinstance(value, str) and "." not in value:
        raise _Bad(
            f"{value!r} is neither an SLA preset id (known: {', '.join(presets.ids())}) "
            "nor a dotted path"
        )
    if isinstance(value, str):
        try:
            import_string(value)
        except ImportError:
            raise _Bad(
                f"{value!r} is neither an SLA preset id (known: {', '.join(presets.ids())}) "
                "nor an importable dotted path"
            ) from None
    found = _load(value)
    if not _is_policy(found) and callable(found) and _takes(found):
        try:
            found = found()
        except Exception as exc:
            raise _Bad(f"calling {value!r} to build the policy failed ({exc})") from None
    if not _is_policy(found):
        raise _Bad(
            f"{value!r} is not a policy: expected an SlaPolicy (or an object with "
            f"lifecycle_rules, next_due and retain_until), got {type(found).__name__}"
        )
    policy: DeskPolicy = found  # type: ignore[assignment]  # checked just above
    return policy


def _access(value: object, raw: Mapping[str, object]) -> AccessPolicy:
    found = _load(value)
    if not _takes(found, "actor", "action", None):
        raise _Bad(
            f"{value!r} is not an access policy: expected a callable "
            f"(actor, action, complaint) -> bool, got {type(found).__name__}"
        )
    policy: AccessPolicy = found  # type: ignore[assignment]  # checked just above
    return policy


def _clock(value: object, raw: Mapping[str, object]) -> Clock:
    found = _load(value)
    if not _takes(found):
        raise _Bad(
            f"{value!r} is not a clock: expected a callable with no arguments returning "
            f"an aware datetime, got {type(found).__name__}"
        )
    clock: Clock = found  # type: ignore[assignment]  # checked just above
    try:
        instant(clock(), "clock()")
    except Iso10002Error as exc:
        raise _Bad(f"{value!r} is not a clock: {exc}") from None
    return clock


def _database(value: object, raw: Mapping[str, object]) -> str:
    aliases = getattr(settings, "DATABASES", {})
    if not isinstance(value, str) or value not in aliases:
        known = ", ".join(repr(alias) for alias in aliases)
        raise _Bad(f"{value!r} is not an alias in settings.DATABASES (it has {known})")
    return value


def _refusals(value: object, raw: Mapping[str, object]) -> RefusalLog:
    found = _load(value)
    if not isinstance(found, RefusalLog):
        raise _Bad(
            f"{value!r} is not a refusal log: expected an iso10002.access.RefusalLog, "
            f"got {type(found).__name__}"
        )
    return found


def _listeners(value: object, raw: Mapping[str, object]) -> tuple[object, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise _Bad(f"expected a list of listeners (objects or dotted paths), got {value!r}")
    found: list[object] = []
    for index, item in enumerate(value):
        try:
            found.append(_load(item))
        except _Bad as bad:
            raise _Bad(f"item {index}: {bad}") from None
    return tuple(found)


def _id_factory(value: object, raw: Mapping[str, object]) -> Callable[[], str]:
    found = _load(value)
    if not _takes(found):
        raise _Bad(
            f"{value!r} is not an id factory: expected a callable with no arguments "
            f"returning a complaint id, got {type(found).__name__}"
        )
    factory: Callable[[], str] = found  # type: ignore[assignment]  # checked just above
    return factory


def _page_size(value: object, raw: Mapping[str, object]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Bad(f"expected a positive whole number, got {value!r}")
    return value


_RESOLVERS: dict[str, Callable[[object, Mapping[str, object]], object]] = {
    "POLICY": _policy,
    "ACCESS": _access,
    "CLOCK": _clock,
    "DATABASE": _database,
    "REFUSALS": _refusals,
    "LISTENERS": _listeners,
    "ID_FACTORY": _id_factory,
    "PAGE_SIZE": _page_size,
}

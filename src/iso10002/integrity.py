"""Tamper evidence and erasure: how every store seals, chains and verifies events.

Each event is split into a *public* part and, when it has any, a *personal* part (the
fields declared with :func:`iso10002.model.personal`). The public part carries a salted
SHA-256 commitment to the personal part and is chained to the previous event of the same
complaint::

    digest(n) = SHA-256(digest(n-1) ‖ canonical JSON of {complaint, version, event})

so editing, deleting, reordering or inserting an event breaks the chain (ISO 10002 4.9,
information integrity). Erasing personal data deletes the personal part and its salt only:
the chain still verifies, and the commitment can no longer be linked to the data (4.10,
confidentiality; the right to erasure).

Stores persist :class:`SealedEvent` rows and call :func:`seal`, :func:`unseal` and
:func:`verify_chain`; they never compute hashes themselves.

Examples:
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("acknowledged")
    >>> first = seal("C-0001", 1, events[0], GENESIS)
    >>> second = seal("C-0001", 2, events[1], first.digest)
    >>> verify_chain("C-0001", [first, second])
    []
    >>> unseal(first.public, None).complainant is None  # personal part erased
    True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from json.encoder import encode_basestring
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from iso10002._record_json import CANONICAL, Writer, writer
from iso10002.events import EVENT_TYPES, Event
from iso10002.model import erased_value, is_personal
from iso10002.serialization import converter, from_data

__all__ = [
    "GENESIS",
    "IntegrityProblem",
    "IntegrityReport",
    "SealedEvent",
    "canonical_json",
    "seal",
    "seal_parts",
    "unseal",
    "verify_chain",
]

GENESIS = "0" * 64
"""The ``previous`` digest of a complaint's first event."""
_COMMITMENT = "$personal"
_string = encode_basestring  # how the canonical encoder writes a string


# Built once: json.dumps with these options builds the same encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(data: Any) -> str:
    """The one JSON form that is hashed: sorted keys, no spaces, UTF-8 text.

    Examples:
        >>> canonical_json({"b": 1, "a": [True, None]})
        '{"a":[true,null],"b":1}'
    """
    return _CANONICAL.encode(data)


@attrs.frozen
class SealedEvent:
    """One event as a store keeps it.

    ``public`` is canonical JSON (with a commitment in place of any personal data);
    ``personal`` is JSON of the personal fields with their salt, or ``None`` when the event
    has none or they were erased.
    """

    complaint_id: str
    version: int
    event_type: str
    at: datetime
    actor: str
    public: str
    personal: str | None
    previous: str
    digest: str


def _field_types(cls: type[Any]) -> tuple[tuple[str, Any, attrs.Attribute[Any]], ...]:
    attrs.resolve_types(cls)
    return tuple((f.name, f.type, f) for f in attrs.fields(cls))


def _record_class(kind: Any) -> type[Any] | None:
    """The attrs class inside ``kind`` (``X`` or ``X | None``), if any."""
    if get_origin(kind) in (Union, UnionType):
        inner = [arg for arg in get_args(kind) if arg is not type(None)]
        kind = inner[0] if len(inner) == 1 else None
    return kind if isinstance(kind, type) and attrs.has(kind) else None


_PATHS: dict[type[Any], tuple[tuple[tuple[str, ...], Any], ...]] = {}


def personal_paths(cls: type[Any]) -> tuple[tuple[tuple[str, ...], Any], ...]:
    """Paths to the personal fields of a record class, with the value each takes when erased.

    Examples:
        >>> from iso10002.events import SatisfactionRecorded
        >>> personal_paths(SatisfactionRecorded)
        ((('satisfaction', 'comment'), None),)
    """
    if cls in _PATHS:
        return _PATHS[cls]
    found: list[tuple[tuple[str, ...], Any]] = []
    for name, kind, field in _field_types(cls):
        if is_personal(field):
            found.append(((name,), converter.unstructure(erased_value(field))))
            continue
        inner = _record_class(kind)
        if inner is not None:
            found.extend(((name, *path), erased) for path, erased in personal_paths(inner))
    _PATHS[cls] = tuple(found)
    return _PATHS[cls]


def _take(data: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = data
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict) or path[-1] not in node:
        return False, None
    return True, node.pop(path[-1])


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node[path[-1]] = value


def _commit(salt: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((salt + canonical_json(fields)).encode()).hexdigest()


def _digest(previous: str, complaint_id: str, version: int, public: str) -> str:
    # canonical_json({"complaint": complaint_id, "version": version, "event": public}),
    # spelled out: the same bytes (keys in sorted order, strings escaped by the encoder's own
    # function, the version as an integer) without building a dict and an encoder per event.
    body = (
        f'{{"complaint":{_string(complaint_id)},"event":{_string(public)},'
        f'"version":{int(version)}}}'
    )
    return hashlib.sha256((previous + body).encode()).hexdigest()


# The public part of recently sealed events that hold no personal data, by the event object
# itself: a bulk import shares one immutable event between many complaints (the same
# acknowledgement on the same day), and its canonical JSON never changes.
_PUBLIC: dict[int, tuple[Event, str]] = {}
_PUBLIC_LIMIT = 4096


_WRITERS: dict[type[Any], tuple[Writer, Writer | None] | None] = {}


def _writers(cls: type[Any]) -> tuple[Writer, Writer | None] | None:
    """Compiled writers of an event class's public part and of its personal fields (the
    ``fields`` of the personal part), or ``None`` where the converter must write it."""
    if cls not in _WRITERS:
        paths = [path for path, _ in personal_paths(cls)]
        personal = frozenset(path[0] for path in paths)
        public = writer(cls, CANONICAL, personal)
        others = frozenset(f.name for f in attrs.fields(cls)) - personal | {"type"}
        fields = writer(cls, CANONICAL, others) if personal else None
        nested = any(len(path) > 1 for path in paths)  # written by the converter's path only
        usable = public is not None and (fields is not None or not personal) and not nested
        _WRITERS[cls] = (public, fields) if usable and public is not None else None
    return _WRITERS[cls]


def _written(event: Event) -> tuple[str, str | None] | None:
    """:func:`_split` by the compiled writers (the same text), or ``None`` to use the
    converter: no writer for the class, or a value the writer does not promise to write."""
    compiled = _writers(type(event))
    if compiled is None:
        return None
    try:
        public = compiled[0](event)
        fields = None if compiled[1] is None else compiled[1](event)
    except (TypeError, AttributeError, ValueError, LookupError):
        return None
    if fields is None:
        return public, None
    salt = secrets.token_hex(16)
    commitment = hashlib.sha256((salt + fields).encode()).hexdigest()
    # canonical_json sorts "$personal" before every field name (all start with a letter).
    public = f'{{"{_COMMITMENT}":"{commitment}",{public[1:]}'
    return public, f'{{"fields":{fields},"salt":"{salt}"}}'


def _split(event: Event) -> tuple[str, str | None]:
    """The event's public JSON (with the commitment) and its personal part, if any."""
    known = _PUBLIC.get(id(event))
    if known is not None and known[0] is event:
        return known[1], None
    written = _written(event)
    if written is not None:
        if written[1] is None:
            _remember(event, written[0])
        return written
    data: dict[str, Any] = converter.unstructure(event)
    fields: dict[str, Any] = {}
    for path, _ in personal_paths(type(event)):
        present, value = _take(data, path)
        if present:
            fields[".".join(path)] = value
    if fields:
        salt = secrets.token_hex(16)
        data[_COMMITMENT] = _commit(salt, fields)
        return canonical_json(data), canonical_json({"salt": salt, "fields": fields})
    public = canonical_json(data)
    _remember(event, public)
    return public, None


def _remember(event: Event, public: str) -> None:
    if len(_PUBLIC) >= _PUBLIC_LIMIT:
        _PUBLIC.clear()
    _PUBLIC[id(event)] = (event, public)  # holding the event keeps its id from being reused


def seal(complaint_id: str, version: int, event: Event, previous: str) -> SealedEvent:
    """Split, commit and chain one event after the digest ``previous`` (or :data:`GENESIS`).

    Examples:
        >>> from iso10002.testing.builders import received
        >>> sealed = seal("C-0001", 1, received(), GENESIS)
        >>> '"$personal"' in sealed.public, sealed.personal is not None
        (True, True)
    """
    public, personal, digest = seal_parts(complaint_id, version, event, previous)
    return SealedEvent(
        complaint_id=complaint_id,
        version=version,
        event_type=event.event_type,
        at=event.at,
        actor=event.actor,
        public=public,
        personal=personal,
        previous=previous,
        digest=digest,
    )


def seal_parts(
    complaint_id: str, version: int, event: Event, previous: str
) -> tuple[str, str | None, str]:
    """What :func:`seal` computes, without the record: ``(public, personal, digest)``.

    For bulk writers that build their rows straight from the parts.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> event = history_to("acknowledged")[1]
        >>> public, personal, digest = seal_parts("C-0001", 2, event, GENESIS)
        >>> (public, digest) == (lambda s: (s.public, s.digest))(seal("C-0001", 2, event, GENESIS))
        True
    """
    public, personal = _split(event)
    return public, personal, _digest(previous, complaint_id, version, public)


def unseal(public: str, personal: str | None) -> Event:
    """Rebuild the event from its stored parts; erased personal fields take their erased values.

    Examples:
        >>> from iso10002.testing.builders import received
        >>> sealed = seal("C-0001", 1, received(), GENESIS)
        >>> unseal(sealed.public, sealed.personal) == received()
        True
    """
    data: dict[str, Any] = json.loads(public)
    data.pop(_COMMITMENT, None)
    cls = EVENT_TYPES[data["type"]]
    values = json.loads(personal)["fields"] if personal is not None else {}
    for path, erased in personal_paths(cls):
        key = ".".join(path)
        _put(data, path, values.get(key, erased))
    event: Event = from_data(data, Event)
    return event


@attrs.frozen
class IntegrityProblem:
    """One way a complaint's stored record fails verification."""

    complaint_id: str
    version: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"event {self.version}" if self.version is not None else "record"
        return f"{self.complaint_id} {where}: {self.kind}: {self.detail}"


@attrs.frozen
class IntegrityReport:
    """What :meth:`ComplaintStore.verify_integrity` found.

    Examples:
        >>> IntegrityReport(checked=3, problems=()).ok
        True
    """

    checked: int
    problems: tuple[IntegrityProblem, ...]

    @property
    def ok(self) -> bool:
        """No complaint failed verification."""
        return not self.problems

    @property
    def broken(self) -> tuple[str, ...]:
        """Ids of the complaints whose records failed, each once, in order of discovery."""
        return tuple(dict.fromkeys(p.complaint_id for p in self.problems))

    def __str__(self) -> str:
        if self.ok:
            return f"{self.checked} complaints verified, no problems"
        lines = [f"{self.checked} complaints verified, {len(self.broken)} broken:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)


def verify_chain(
    complaint_id: str, rows: Sequence[SealedEvent], *, head: tuple[int, str] | None = None
) -> list[IntegrityProblem]:
    """Check one complaint's rows, in stored order: numbering, chain, commitments.

    ``head`` is the ``(version, digest)`` the store recorded for the complaint's latest
    event, which catches a deleted tail.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> a, b = history_to("acknowledged")
        >>> first = seal("C-0001", 1, a, GENESIS)
        >>> forged = attrs.evolve(seal("C-0001", 2, b, first.digest), public="{}")
        >>> [p.kind for p in verify_chain("C-0001", [first, forged])]
        ['edited']
    """
    problems: list[IntegrityProblem] = []

    def problem(version: int | None, kind: str, detail: str) -> None:
        problems.append(IntegrityProblem(complaint_id, version, kind, detail))

    if not rows:
        problem(None, "missing", "no events are stored for this complaint")
        return problems
    previous = GENESIS
    for expected, row in enumerate(rows, start=1):
        if row.version != expected:
            kind = "inserted" if row.version < expected else "missing"
            problem(row.version, kind, f"found event {row.version} where {expected} belongs")
        if row.previous != previous:
            problem(row.version, "reordered", "does not follow the event stored before it")
        if _digest(row.previous, complaint_id, row.version, row.public) != row.digest:
            problem(row.version, "edited", "content no longer matches its hash")
        previous = row.digest
        problems.extend(_check_personal(complaint_id, row))
    if head is not None and head != (rows[-1].version, rows[-1].digest):
        problem(head[0], "missing", f"the record ends at event {rows[-1].version}, not {head[0]}")
    return problems


def _check_personal(complaint_id: str, row: SealedEvent) -> Iterable[IntegrityProblem]:
    try:
        public = json.loads(row.public)
    except json.JSONDecodeError:
        return [IntegrityProblem(complaint_id, row.version, "edited", "public part is not JSON")]
    commitment = public.get(_COMMITMENT) if isinstance(public, dict) else None
    if row.personal is None:
        return []
    if commitment is None:
        return [
            IntegrityProblem(
                complaint_id, row.version, "edited", "personal data without a commitment"
            )
        ]
    try:
        parts = json.loads(row.personal)
        actual = _commit(parts["salt"], parts["fields"])
    except (json.JSONDecodeError, KeyError, TypeError):
        return [IntegrityProblem(complaint_id, row.version, "edited", "personal part is corrupt")]
    if not hmac.compare_digest(actual, str(commitment)):
        return [
            IntegrityProblem(
                complaint_id, row.version, "edited", "personal data does not match its commitment"
            )
        ]
    return []

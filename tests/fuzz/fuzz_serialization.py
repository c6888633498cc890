"""Atheris harness: the cattrs converter on arbitrary bytes, for every record and event type.

Run with ``nox -s fuzz`` (or ``python tests/fuzz/fuzz_serialization.py -max_total_time=60``).
The first input byte picks the type; the rest is the JSON text. ``from_json`` may refuse it
only with ``ValidationError``; anything it accepts must survive a round trip unchanged. Any
other exception is a finding: atheris stops and writes the input to ``crash-*``.
"""

from __future__ import annotations

from typing import Any

import attrs

from iso10002 import model
from iso10002.errors import ValidationError
from iso10002.events import Event
from iso10002.serialization import from_json, to_json

TYPES: tuple[type[Any], ...] = (
    Event,
    *(
        cls
        for name in sorted(dir(model))
        if isinstance(cls := getattr(model, name), type)
        and attrs.has(cls)
        and cls.__module__ == model.__name__
        and not name.startswith("_")
    ),
)


def one_input(data: bytes) -> None:
    """Structure ``data[1:]`` as the type ``data[0]`` picks; refuse only with ValidationError."""
    if not data:
        return
    cls = TYPES[data[0] % len(TYPES)]
    try:
        value = from_json(data[1:], cls)
    except ValidationError as error:
        if not error.errors:
            raise AssertionError("a ValidationError must say what is wrong") from error
        return
    again = from_json(to_json(value), cls)
    if again != value:
        raise AssertionError(f"round trip changed {value!r} into {again!r}")


def seeds() -> list[bytes]:
    """Valid inputs to start from: every event of a closed complaint, and its snapshot."""
    from iso10002.replay import replay
    from iso10002.testing.builders import history_to

    history = history_to("closed")
    found = [bytes([TYPES.index(Event)]) + to_json(e).encode() for e in history]
    return [*found, bytes([TYPES.index(model.Complaint)]) + to_json(replay(history)).encode()]


def main() -> None:
    """Fuzz from the seeds until stopped (see ``_fuzzing.fuzz_main``)."""
    from _fuzzing import fuzz_main  # beside this script, on sys.path when run as one

    fuzz_main(one_input, seeds())


if __name__ == "__main__":
    main()

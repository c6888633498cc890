"""How every ``iso10002`` sub-command is declared: its help, examples and exit codes in one place.

:func:`add_command` builds a sub-command whose ``--help`` ends with its examples and its exit
codes, and keeps those exit codes on the parser, so :func:`commands_table` can print the
table of commands for the docs from the parser itself (the page cannot drift from the code).

Examples:
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="iso10002")
    >>> commands = parser.add_subparsers()
    >>> hello = add_command(
    ...     commands,
    ...     "hello",
    ...     help="say hello",
    ...     description="Say hello to the complaints team.",
    ...     examples=["iso10002 hello"],
    ...     exit_codes={0: "said hello", 2: "bad usage"},
    ... )
    >>> print(hello.epilog)
    example:
      iso10002 hello
    <BLANKLINE>
    exit codes:
      0  said hello
      2  bad usage
    >>> print(commands_table(parser).splitlines()[2])
    | `iso10002 hello` | say hello | 0 said hello; 2 bad usage |
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import IO

from iso10002._checks import instant

__all__ = ["EXIT_CODES", "add_command", "at_option", "commands_table", "print_json"]

EXIT_CODES = "exit_codes"
"""The parser default under which a sub-command keeps its exit codes."""

USAGE = "bad usage or input, or a store that cannot be opened (the message says why)"
"""What exit code 2 means for every command (argparse's own code for a usage error)."""


def add_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    *,
    help: str,
    description: str,
    examples: Sequence[str],
    exit_codes: Mapping[int, str],
    notes: str = "",
) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` ends with ``examples``, ``notes`` and ``exit_codes``.

    Examples:
        >>> parser = argparse.ArgumentParser(prog="iso10002")
        >>> cmd = add_command(parser.add_subparsers(), "x", help="h", description="d",
        ...                   examples=["iso10002 x"], exit_codes={0: "done"})
        >>> cmd.get_default(EXIT_CODES)
        {0: 'done'}
    """
    lines = ["examples:" if len(examples) > 1 else "example:"]
    lines += [f"  {example}" for example in examples]
    if notes:
        lines += ["", textwrap.fill(" ".join(notes.split()), 88)]
    lines += ["", "exit codes:"]
    lines += [
        textwrap.fill(f"{code}  {meaning}", 88, initial_indent="  ", subsequent_indent="     ")
        for code, meaning in sorted(exit_codes.items())
    ]
    command: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=textwrap.fill(" ".join(description.split()), 88),
        epilog="\n".join(lines),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(**{EXIT_CODES: dict(exit_codes)})
    return command


def _commands(parser: argparse.ArgumentParser) -> Mapping[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its sub-parsers on this action only
        if isinstance(action, argparse._SubParsersAction):
            choices: Mapping[str, argparse.ArgumentParser] = action.choices
            return choices
    return {}


def commands_table(parser: argparse.ArgumentParser) -> str:
    """A Markdown table of ``parser``'s sub-commands: name, what it does, exit codes.

    A command declared without :func:`add_command` is listed with "see ``--help``".

    Examples:
        >>> from iso10002.cli import _parser
        >>> print(commands_table(_parser()).splitlines()[0])
        | command | what it does | exit codes |
    """
    helps = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
    rows = ["| command | what it does | exit codes |", "|---|---|---|"]
    for name, command in _commands(parser).items():
        codes = command.get_default(EXIT_CODES)
        described = (
            "; ".join(f"{code} {meaning}" for code, meaning in sorted(codes.items()))
            if isinstance(codes, dict)
            else "see `--help`"
        )
        rows.append(f"| `{parser.prog} {name}` | {helps.get(name, '')} | {described} |")
    return "\n".join(rows)


def print_json(data: object, file: IO[str] | None = None) -> None:
    """Print ``data`` as indented JSON (to standard output unless ``file`` is given).

    Examples:
        >>> print_json({"ok": True, "broken": []})
        {
          "ok": true,
          "broken": []
        }
    """
    print(json.dumps(data, indent=2, ensure_ascii=False), file=file or sys.stdout)


def at_option(text: str | None) -> datetime:
    """The ``--at`` option: an ISO 8601 instant with an offset (``Z`` too); default now.

    A naive or malformed text is a ``ValueError`` naming the option, which the command line
    turns into exit code 2.

    Examples:
        >>> at_option("2026-10-01T09:00Z").isoformat()
        '2026-10-01T09:00:00+00:00'
        >>> at_option("2026-10-01T09:00")
        Traceback (most recent call last):
        ValueError: --at: '2026-10-01T09:00' is not an instant with an offset (...)
    """
    if text is None:
        return datetime.now(timezone.utc)
    try:
        return instant(datetime.fromisoformat(text.replace("Z", "+00:00")), "--at")
    except ValueError as exc:  # a malformed text, or a ValidationError for a naive one
        raise ValueError(f"--at: {text!r} is not an instant with an offset ({exc})") from None

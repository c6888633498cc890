"""Reading rows out of hostile files: CSV, a JSON array of objects, or JSON Lines.

:func:`open_rows` gives the rows of a file one at a time (memory does not grow with the file),
each a :class:`SourceRecord`: its number (1 for the first data row), the line it ends on
where the format has lines, and its cells — or, for a row that cannot be read, why.

What is refused, and how:

* the whole file, before any row is given, with :class:`~iso10002.errors.ValidationError`:
  an encoding it is not in (UTF-8 is the default, with or without a byte-order mark; a
  UTF-16 or UTF-32 mark asks for ``encoding``), an unknown codec, a CSV without a header or
  with a duplicated column, JSON that is not an array of values or is malformed;
* one row, as a record with its ``problem`` (reading goes on with the next): malformed CSV
  (a stray quote, a quoted field left open), a row with more or fewer cells than the header,
  a row longer than :data:`MAX_ROW` characters (a stray quote that would run on to the end
  of the file stops there), a CSV field longer than the ``csv`` module's field size limit
  (131,072 characters unless the host changed it), a JSON Lines
  line that is not JSON, an item that is not an object, JSON nested too deeply.

Seekable files are checked for their encoding (and JSON arrays for their syntax) in a first
pass, so a bad byte at the end refuses the file before anything is imported; a stream that
cannot seek (a pipe) is checked as it is read.

Examples:
    >>> import io
    >>> data = io.BytesIO(b"\\xef\\xbb\\xbfid,text\\n1,hello\\n2,\\"open\\n")
    >>> with open_rows(data, ImportFormat.CSV) as rows:
    ...     [(r.number, r.values, r.problem) for r in rows]
    [(1, {'id': '1', 'text': 'hello'}, None), (2, None, 'malformed CSV: unexpected end of data')]
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import IO

import attrs

from iso10002.errors import ValidationError

__all__ = ["MAX_ROW", "ImportFormat", "RowSource", "SourceRecord", "format_of", "open_rows"]

MAX_ROW = 1_000_000
"""Longest row read, in characters over all its lines: a longer one is refused and skipped."""
_CHUNK = 1 << 20
_MAX_ITEM = 16 << 20  # a JSON item longer than this (characters) refuses the file
_NUMBER = frozenset("0123456789.eE+-")


class ImportFormat(str, Enum):
    """The shape of a file to import."""

    CSV = "csv"
    JSON = "json"  # one array of objects
    JSONL = "jsonl"  # one object per line (JSON Lines, NDJSON)


_SUFFIXES = {".csv": ImportFormat.CSV, ".json": ImportFormat.JSON}
_SUFFIXES.update(dict.fromkeys((".jsonl", ".ndjson", ".jsonlines"), ImportFormat.JSONL))


def format_of(path: str | os.PathLike[str]) -> ImportFormat:
    """The format a file name says (``.csv``, ``.json``, ``.jsonl``/``.ndjson``).

    Examples:
        >>> format_of("complaints.NDJSON").value
        'jsonl'
        >>> format_of("complaints.xlsx")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - format: cannot tell the format of 'complaints.xlsx'; give csv, json or jsonl
    """
    found = _SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise ValidationError(
            [f"format: cannot tell the format of {Path(path).name!r}; give csv, json or jsonl"]
        )
    return found


@attrs.frozen
class SourceRecord:
    """One row as read: its cells, or the ``problem`` that kept it from being read."""

    number: int
    line: int | None
    values: Mapping[str, object] | None
    problem: str | None = None


class _RowTooLong(Exception):
    pass


class _Lines:
    """The text's lines, no row (one line or several) longer than :data:`MAX_ROW` characters.

    The reader calls :meth:`new_row` before each row. A line that takes the row over the
    limit is skipped to its end and :class:`_RowTooLong` raised, so memory stays bounded
    whatever the ``csv`` module's field size limit is.
    """

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self.number = 0
        self._left = MAX_ROW

    def __iter__(self) -> _Lines:
        return self

    def new_row(self) -> None:
        self._left = MAX_ROW

    def __next__(self) -> str:
        line = self._text.readline(self._left + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self._left -= len(line)
        if self._left < 0:
            while not line.endswith(("\n", "\r")):  # skip the rest, a piece at a time
                line = self._text.readline(_CHUNK)
                if not line:
                    break
            raise _RowTooLong
        return line


def _decode_error(
    name: str, encoding: str, exc: UnicodeDecodeError, offset: int
) -> ValidationError:
    label = "UTF-8" if encoding == "utf-8-sig" else encoding
    return ValidationError(
        [
            f"{name}: not {label} text (byte {offset + exc.start:,}: {exc.reason}); "
            "give the file's encoding (encoding='cp1252' or --encoding cp1252, say)"
        ]
    )


def _bom_encoding(head: bytes, name: str, encoding: str | None) -> str:
    """The encoding to read with, from the caller's choice and the byte-order mark."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise ValidationError([f"encoding: {encoding!r} is not a known encoding"]) from None
        # utf-8 is read as utf-8-sig, so a byte-order mark is never taken for text.
        return "utf-8-sig" if codec.name == "utf-8" else codec.name
    for mark, label in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if head.startswith(mark):
            raise ValidationError(
                [
                    f"{name}: starts with a {label} byte-order mark; only UTF-8 is read unless "
                    f"you give the encoding (encoding={label.lower()!r})"
                ]
            )
    return "utf-8-sig"


def _check_encoding(binary: IO[bytes], name: str, encoding: str) -> None:
    """Decode the whole file once, so that a bad byte refuses it before anything is stored."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    while True:
        chunk = binary.read(_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise _decode_error(name, encoding, exc, offset) from None
        if not chunk:
            return
        offset += len(chunk)


class RowSource:
    """An open file's rows (iterate it once); close it, or use it in a ``with`` block.

    ``header`` is the CSV header (``None`` for JSON); :meth:`position` and ``size`` are the
    bytes read so far and in all, for a progress bar (``size`` is ``None`` for a stream).
    """

    def __init__(
        self,
        binary: IO[bytes],
        form: ImportFormat,
        *,
        name: str,
        encoding: str | None = None,
        owned: bool = False,
    ) -> None:
        self.name = name
        self.format = form
        self._binary = binary
        self._owned = owned
        self.header: tuple[str, ...] | None = None
        self.size: int | None = None
        try:
            head = binary.peek(4)[:4] if hasattr(binary, "peek") else b""
            seekable = binary.seekable()
            if seekable:
                start = binary.tell()
                head = binary.read(4)
                binary.seek(start)
            self.encoding = _bom_encoding(head, name, encoding)
            if seekable:
                _check_encoding(binary, name, self.encoding)
                self.size = binary.tell() - start
                if form is ImportFormat.JSON:
                    binary.seek(start)
                    for _ in self._json_items(self._text()):
                        pass
                binary.seek(start)
            self._reader = self._rows()
            if form is ImportFormat.CSV:
                self._csv_header()
        except BaseException:
            self.close()
            raise

    def position(self) -> int:
        """Bytes of the file read so far (approximately: reads are buffered)."""
        try:
            return self._binary.tell()
        except (OSError, ValueError):
            return 0

    def __iter__(self) -> Iterator[SourceRecord]:
        return self._reader

    def __enter__(self) -> RowSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file if :func:`open_rows` opened it."""
        if self._owned:
            self._binary.close()

    # --- reading -----------------------------------------------------------------------

    def _text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(
            _Unclosed(self._binary), encoding=self.encoding, errors="strict", newline=""
        )

    def _rows(self) -> Iterator[SourceRecord]:
        try:
            if self.format is ImportFormat.CSV:
                yield from self._csv_rows()
            elif self.format is ImportFormat.JSONL:
                yield from self._jsonl_rows(self._text())
            else:
                for number, item in enumerate(self._json_items(self._text()), start=1):
                    yield _object(number, None, item)
        except UnicodeDecodeError as exc:  # a stream that could not be checked first
            raise _decode_error(self.name, self.encoding, exc, self.position()) from None

    def _csv_header(self) -> None:
        self._lines = _Lines(self._text())
        self._csv = csv.reader(self._lines, strict=True)
        try:
            header = next(self._csv, None)
        except (csv.Error, _RowTooLong) as exc:
            raise ValidationError([f"{self.name}: the header cannot be read ({exc})"]) from None
        except UnicodeDecodeError as exc:
            raise _decode_error(self.name, self.encoding, exc, 0) from None
        if not header or not any(cell.strip() for cell in header):
            raise ValidationError([f"{self.name}: no header row (the file is empty)"])
        names = tuple(cell.strip() for cell in header)
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValidationError(
                [f"{self.name}: the header repeats column {n!r}" for n in doubled]
            )
        self.header = names

    def _csv_rows(self) -> Iterator[SourceRecord]:
        header = self.header
        assert header is not None
        width = len(header)
        reader, lines = self._csv, self._lines
        number = 0
        while True:
            lines.new_row()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _RowTooLong:
                number += 1
                yield SourceRecord(
                    number, lines.number, None, f"a row longer than {MAX_ROW:,} characters"
                )
                continue
            except csv.Error as exc:
                number += 1
                yield SourceRecord(number, lines.number, None, f"malformed CSV: {exc}")
                continue
            if not cells:
                continue  # a blank line
            number += 1
            if len(cells) != width:
                yield SourceRecord(
                    number,
                    lines.number,
                    None,
                    f"the row has {len(cells)} cells; the header has {width}",
                )
                continue
            yield SourceRecord(number, lines.number, dict(zip(header, cells, strict=True)))

    def _jsonl_rows(self, text: io.TextIOWrapper) -> Iterator[SourceRecord]:
        lines = _Lines(text)
        number = 0
        while True:
            lines.new_row()
            try:
                line = next(lines)
            except StopIteration:
                return
            except _RowTooLong:
                number += 1
                yield SourceRecord(
                    number, lines.number, None, f"a row longer than {MAX_ROW:,} characters"
                )
                continue
            if not line.strip():
                continue
            number += 1
            try:
                item = json.loads(line)
            except RecursionError:
                yield SourceRecord(number, lines.number, None, "JSON nested too deeply")
                continue
            except ValueError as exc:  # JSONDecodeError, or an integer too long to read
                yield SourceRecord(number, lines.number, None, f"not JSON: {exc}")
                continue
            yield _object(number, lines.number, item)

    def _json_items(self, text: io.TextIOWrapper) -> Iterator[object]:
        return _JsonArray(text, self.name).items()


def _object(number: int, line: int | None, item: object) -> SourceRecord:
    if not isinstance(item, dict):
        return SourceRecord(number, line, None, f"expected an object, got {type(item).__name__}")
    return SourceRecord(number, line, item)


class _JsonArray:
    """The items of one JSON array, decoded one at a time from a bounded buffer."""

    def __init__(self, text: IO[str], name: str) -> None:
        self._text = text
        self._name = name
        self._decoder = json.JSONDecoder()
        self._buffer = ""
        self._at = 0
        self._ended = False

    def _fill(self) -> bool:
        if self._ended:
            return False
        chunk = self._text.read(_CHUNK)
        if not chunk:
            self._ended = True
            return False
        self._buffer = self._buffer[self._at :] + chunk
        self._at = 0
        return True

    def _next_char(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            buffer, at = self._buffer, self._at
            while at < len(buffer) and buffer[at] in " \t\r\n":
                at += 1
            self._at = at
            if at < len(buffer):
                return buffer[at]
            if not self._fill():
                return ""

    def _refuse(self, message: str) -> ValidationError:
        return ValidationError([f"{self._name}: {message}"])

    def _item(self) -> object:
        while True:
            try:
                item, end = self._decoder.raw_decode(self._buffer, self._at)
            except RecursionError:
                raise self._refuse("JSON nested too deeply") from None
            except ValueError as exc:  # JSONDecodeError, or an integer too long to read
                if len(self._buffer) - self._at > _MAX_ITEM:
                    raise self._refuse(
                        f"a JSON item longer than {_MAX_ITEM:,} characters"
                    ) from None
                if self._fill():
                    continue  # the item goes on in the next chunk
                raise self._refuse(f"malformed JSON: {exc}") from None
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                rest = self._buffer[end:]
                if all(c in _NUMBER for c in rest) and self._fill():
                    continue  # the number may go on in the next chunk: read on, decode again
            self._at = end
            return item

    def items(self) -> Iterator[object]:
        """Each item, in order; :class:`ValidationError` for anything but one JSON array."""
        if self._next_char() != "[":
            raise self._refuse("not a JSON array of objects (it must start with '[')")
        self._at += 1
        if self._next_char() == "]":
            self._at += 1
        else:
            while True:
                self._next_char()
                yield self._item()
                char = self._next_char()
                self._at += 1
                if char == "]":
                    break
                if char != ",":
                    raise self._refuse(f"malformed JSON: expected ',' or ']', found {char!r}")
        if self._next_char():
            raise self._refuse("text after the end of the JSON array")


class _Unclosed(io.BufferedIOBase):
    """The caller's binary file, which a text wrapper may read but must not close."""

    def __init__(self, binary: IO[bytes]) -> None:
        super().__init__()
        self._binary = binary

    @property
    def name(self) -> str:
        return str(getattr(self._binary, "name", "<stream>"))

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._binary.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._binary.read(size if size >= 0 else _CHUNK)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._binary.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        pass


def _format(form: ImportFormat | str) -> ImportFormat:
    try:
        return ImportFormat(form)
    except ValueError:
        raise ValidationError([f"format: {form!r} is not one of csv, json, jsonl"]) from None


def open_rows(
    source: str | os.PathLike[str] | IO[bytes],
    form: ImportFormat | str | None = None,
    *,
    encoding: str | None = None,
) -> RowSource:
    """The rows of a file (a path, or a binary file object left open for the caller).

    ``form`` defaults to the format the file name says. Refuses a file it cannot read with
    :class:`~iso10002.errors.ValidationError` before giving any row.

    Examples:
        >>> import io
        >>> rows = open_rows(io.BytesIO(b'{"id": 1}\\n[2]\\n{"id": 3'), "jsonl")
        >>> for r in rows:
        ...     print(r.number, r.problem or r.values)
        1 {'id': 1}
        2 expected an object, got list
        3 not JSON: Expecting ',' delimiter: line 1 column 9 (char 8)
        >>> open_rows(io.BytesIO("id,name\\n1,café\\n".encode("latin-1")), "csv")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - <stream>: not UTF-8 text (byte 13: invalid continuation byte)...
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        chosen = _format(form if form is not None else format_of(path))
        try:
            binary: IO[bytes] = path.open("rb")
        except OSError as exc:
            raise ValidationError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
        return RowSource(binary, chosen, name=str(path), encoding=encoding, owned=True)
    if form is None:
        name = getattr(source, "name", None)
        if not isinstance(name, str):
            raise ValidationError(["format: give csv, json or jsonl for a file without a name"])
        form = format_of(name)
    chosen = _format(form)
    name = getattr(source, "name", None)
    return RowSource(
        source, chosen, name=name if isinstance(name, str) else "<stream>", encoding=encoding
    )

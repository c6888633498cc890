"""Rows are read out of hostile files one at a time: a bad row is reported and skipped, a
file that cannot be read is refused before any row is given."""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.metrics import import_sources
from iso10002.metrics.import_sources import ImportFormat, SourceRecord, format_of, open_rows


def read(data: bytes, form: str, **options: str) -> list[SourceRecord]:
    with open_rows(io.BytesIO(data), form, **options) as rows:
        return list(rows)


def refused(data: bytes, form: str, **options: str) -> tuple[str, ...]:
    with pytest.raises(ValidationError) as caught:
        read(data, form, **options)
    return caught.value.errors


class Pipe(io.RawIOBase):
    """A stream that cannot seek, like standard input."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


# --- CSV ---------------------------------------------------------------------------------


def test_csv_rows_are_numbered_from_the_first_data_row_with_the_line_they_end_on() -> None:
    rows = read(b'id,text\n1,"two\nlines"\n2,plain\n', "csv")
    assert [(r.number, r.line, r.values) for r in rows] == [
        (1, 3, {"id": "1", "text": "two\nlines"}),
        (2, 4, {"id": "2", "text": "plain"}),
    ]


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column_name() -> None:
    with open_rows(io.BytesIO(codecs.BOM_UTF8 + b"id,text\n1,x\n"), "csv") as rows:
        assert rows.header == ("id", "text")
        assert next(iter(rows)).values == {"id": "1", "text": "x"}


def test_crlf_and_blank_lines_are_read_as_a_spreadsheet_writes_them() -> None:
    rows = read(b"id,text\r\n1,a\r\n\r\n2,b\r\n", "csv")
    assert [r.values for r in rows] == [{"id": "1", "text": "a"}, {"id": "2", "text": "b"}]


def test_a_file_not_in_utf8_is_refused_naming_the_byte_and_asking_for_the_encoding() -> None:
    data = "id,name\n1,ok\n2,Zoë\n".encode("cp1252")
    (message,) = refused(data, "csv")
    assert message.startswith("<stream>: not UTF-8 text (byte 17: invalid continuation byte)")
    assert "--encoding" in message


def test_with_its_encoding_given_such_a_file_is_read() -> None:
    data = "id,name\n2,Zoë\n".encode("cp1252")
    assert read(data, "csv", encoding="cp1252")[0].values == {"id": "2", "name": "Zoë"}


def test_a_bad_byte_at_the_very_end_refuses_the_file_before_any_row_is_given() -> None:
    data = b"id,name\n" + b"1,ok\n" * 50_000 + b"2,\xff\n"
    with pytest.raises(ValidationError):
        open_rows(io.BytesIO(data), "csv")


def test_a_stream_that_cannot_seek_is_checked_as_it_is_read() -> None:
    data = b"id,name\n" + b"1,ok\n" * 20_000 + b"2,\xff\n"
    read = []
    with (
        pytest.raises(ValidationError, match="not UTF-8 text"),
        open_rows(io.BufferedReader(Pipe(data)), "csv") as rows,
    ):
        read.extend(rows)
    assert 0 < len(read) < 20_000  # the rows before the bad byte were given


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_or_utf32_file_is_refused_unless_its_encoding_is_given(encoding: str) -> None:
    data = "id,name\n1,Zoë\n".encode(encoding)
    (message,) = refused(data, "csv")
    assert "byte-order mark" in message
    assert f"encoding={encoding!r}" in message
    assert read(data, "csv", encoding=encoding)[0].values == {"id": "1", "name": "Zoë"}


def test_an_unknown_encoding_is_refused() -> None:
    assert refused(b"id\n1\n", "csv", encoding="klingon") == (
        "encoding: 'klingon' is not a known encoding",
    )


def test_a_stray_quote_is_reported_as_its_row_and_reading_goes_on() -> None:
    rows = read(b'id,text\n1,"a"b\n2,fine\n', "csv")
    assert [(r.number, r.problem) for r in rows] == [
        (1, "malformed CSV: ',' expected after '\"'"),
        (2, None),
    ]
    assert rows[1].values == {"id": "2", "text": "fine"}


def test_a_quoted_field_left_open_is_reported() -> None:
    rows = read(b'id,text\n1,fine\n2,"never closed\n3,x\n', "csv")
    assert rows[0].values == {"id": "1", "text": "fine"}
    assert rows[1].problem == "malformed CSV: unexpected end of data"


def test_a_row_with_too_many_or_too_few_cells_is_reported() -> None:
    rows = read(b"a,b\n1,2,3\n1\n1,2\n", "csv")
    assert [r.problem for r in rows] == [
        "the row has 3 cells; the header has 2",
        "the row has 1 cells; the header has 2",
        None,
    ]


def test_a_field_over_the_csv_size_limit_is_reported_and_the_next_row_read() -> None:
    data = b'id,text\n1,"' + b"x" * 200_000 + b'"\n2,after\n'
    rows = read(data, "csv")
    assert rows[0].problem is not None
    assert rows[0].problem.startswith("malformed CSV: field larger than field limit")
    assert rows[-1].values == {"id": "2", "text": "after"}


def test_a_line_longer_than_the_cap_is_reported_and_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_sources, "MAX_ROW", 100)
    monkeypatch.setattr(import_sources, "_CHUNK", 7)
    rows = read(b"id,text\n1," + b"y" * 1_000 + b"\n2,after\n", "csv")
    assert [(r.number, r.problem) for r in rows] == [
        (1, "a row longer than 100 characters"),
        (2, None),
    ]


def test_a_quote_left_open_runs_on_no_further_than_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_sources, "MAX_ROW", 100)
    run_on = b'1,"never closed\n' + b"3,twenty characters\n" * 20
    rows = read(b"id,text\n" + run_on + b"2,after\n", "csv")
    assert rows[0].problem == "a row longer than 100 characters"
    assert rows[-1].values == {"id": "2", "text": "after"}  # reading goes on after it
    assert len(rows) < 22  # the lines the run-on took are not read twice


def test_a_json_line_over_the_cap_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_sources, "MAX_ROW", 50)
    rows = read(b'{"id": "' + b"9" * 100 + b'"}\n{"id": 2}\n', "jsonl")
    assert [r.problem or r.values for r in rows] == [
        "a row longer than 50 characters",
        {"id": 2},
    ]


def test_nul_characters_reach_the_mapping_which_refuses_them() -> None:
    assert read(b"id,text\n1,a\x00b\n", "csv")[0].values == {"id": "1", "text": "a\x00b"}


@pytest.mark.parametrize("data", [b"", b"\n\n", b",,\n"])
def test_a_csv_without_a_header_is_refused(data: bytes) -> None:
    assert refused(data, "csv") == ("<stream>: no header row (the file is empty)",)


def test_a_header_naming_a_column_twice_is_refused() -> None:
    assert refused(b"id,text,id\n", "csv") == ("<stream>: the header repeats column 'id'",)


# --- JSON --------------------------------------------------------------------------------


def test_a_json_array_gives_its_objects_and_reports_other_items() -> None:
    rows = read(b'[{"id": 1}, [2], {"id": "3"}]', "json")
    assert [(r.number, r.line, r.values, r.problem) for r in rows] == [
        (1, None, {"id": 1}, None),
        (2, None, None, "expected an object, got list"),
        (3, None, {"id": "3"}, None),
    ]


def test_an_empty_json_array_has_no_rows() -> None:
    assert read(b" [ ] \n", "json") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"id": 1}', "not a JSON array of objects (it must start with '[')"),
        (b"", "not a JSON array of objects (it must start with '[')"),
        (b'[{"id": 1} {"id": 2}]', "malformed JSON: expected ',' or ']', found '{'"),
        (b'[{"id": 1},', "malformed JSON: Expecting value: line 1 column 12 (char 11)"),
        (b'[{"id": 1}] []', "text after the end of the JSON array"),
        (b'[{"id": 1]', "malformed JSON: Expecting ',' delimiter: line 1 column 10 (char 9)"),
    ],
)
def test_malformed_json_refuses_the_whole_file_before_any_row(data: bytes, message: str) -> None:
    assert refused(data, "json") == (f"<stream>: {message}",)


def test_json_nested_too_deeply_is_refused() -> None:
    data = b'[{"id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]"
    assert refused(data, "json") == ("<stream>: JSON nested too deeply",)


def test_an_integer_too_long_to_read_is_refused() -> None:
    assert refused(b'[{"id": ' + b"9" * 5_000 + b"}]", "json")[0].startswith(
        "<stream>: malformed JSON"
    )


@given(
    st.lists(
        st.one_of(
            st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(), st.none())),
            st.integers(),
            st.floats(allow_nan=False),
            st.text(),
            st.lists(st.booleans(), max_size=3),
        ),
        max_size=20,
    ),
    st.integers(1, 9),
    st.sampled_from([None, 2]),
)
def test_the_streaming_json_reader_reads_what_json_loads_reads(
    items: list[object], chunk: int, indent: int | None
) -> None:
    data = json.dumps(items, indent=indent).encode()
    original = import_sources._CHUNK
    import_sources._CHUNK = chunk  # items cut at every possible place
    try:
        with open_rows(io.BytesIO(data), "json") as rows:
            got = [r.values if r.values is not None else r.problem for r in rows]
    finally:
        import_sources._CHUNK = original
    expected = [
        item if isinstance(item, dict) else f"expected an object, got {type(item).__name__}"
        for item in json.loads(data)
    ]
    assert got == expected


def test_json_lines_report_bad_lines_and_skip_blank_ones() -> None:
    rows = read(b'{"id": 1}\n\nnot json\n"text"\n{"id": 2}\n', "jsonl")
    assert [(r.number, r.line, r.problem or r.values) for r in rows] == [
        (1, 1, {"id": 1}),
        (2, 3, "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (3, 4, "expected an object, got str"),
        (4, 5, {"id": 2}),
    ]


def test_a_json_line_nested_too_deeply_is_reported_as_its_row() -> None:
    rows = read(b"[" * 100_000 + b"]" * 100_000 + b'\n{"id": 2}\n', "jsonl")
    assert [r.problem or r.values for r in rows] == ["JSON nested too deeply", {"id": 2}]


# --- Files and formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("a.csv", ImportFormat.CSV),
        ("a.CSV", ImportFormat.CSV),
        ("a.json", ImportFormat.JSON),
        ("a.jsonl", ImportFormat.JSONL),
        ("a.ndjson", ImportFormat.JSONL),
    ],
)
def test_the_format_is_told_by_the_file_name(name: str, form: ImportFormat) -> None:
    assert format_of(name) is form


def test_a_stream_without_a_name_needs_its_format() -> None:
    with pytest.raises(ValidationError, match="give csv, json or jsonl"):
        open_rows(io.BytesIO(b"id\n1\n"))
    with pytest.raises(ValidationError, match="is not one of csv, json, jsonl"):
        open_rows(io.BytesIO(b"id\n1\n"), "xlsx")


def test_a_path_is_opened_read_and_closed(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"id\n1\n2\n")
    with open_rows(path) as rows:
        assert rows.size == 7
        assert [r.values for r in rows] == [{"id": "1"}, {"id": "2"}]
        assert rows.position() == 7
    assert rows._binary.closed


def test_a_path_with_an_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"id\n1\n")
    with pytest.raises(ValidationError, match="'xlsx' is not one of csv, json, jsonl"):
        open_rows(path, "xlsx")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        open_rows(tmp_path / "none.csv")


def test_a_callers_file_is_left_open() -> None:
    data = io.BytesIO(b"id\n1\n")
    with open_rows(data, "csv") as rows:
        list(rows)
    assert not data.closed

"""Bad input at every entry point: refused with a ValidationError naming the field, or neutralised.

Entry points (the table in ``docs/concepts/threat-model.md``): the serialization converter
(every record and event type, from JSON text and from decoded data), the CSV and JSON import
(``import_complaints``), the Flask JSON API and intake form, and what the library writes out
(CSV exports, HTML pages). Payload classes: malformed JSON, wrong types, enormous strings,
control characters, naive datetimes, impossible dates, formula cells (CSV injection), HTML.

The invariant in each case: nothing raises but the library's documented error, a refusal
names the field, and a refused input leaves the store as it was.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reliability_support import STORE_KINDS, StoreFactory, soak_int

from iso10002 import model
from iso10002.csvsafe import FORMULA_STARTS, write_csv
from iso10002.errors import ValidationError
from iso10002.events import EVENT_TYPES, Event
from iso10002.metrics.exports import export_cfpb
from iso10002.metrics.import_cfpb import CFPB_COLUMNS, sample_rows
from iso10002.metrics.imports import import_complaints
from iso10002.replay import replay
from iso10002.serialization import from_data, from_json, to_data
from iso10002.storage import InMemoryStore, SQLiteStore
from iso10002.testing.builders import START, history_to
from iso10002.testing.strategies import records

RECORDS: tuple[type[Any], ...] = tuple(
    cls
    for name in sorted(dir(model))
    if isinstance(cls := getattr(model, name), type)
    and attrs.has(cls)
    and cls.__module__ == model.__name__
    and not name.startswith("_")
)
"""Every public record of :mod:`iso10002.model` (Complaint, Complainant, Money …)."""
EVENTS: tuple[type[Event], ...] = tuple(EVENT_TYPES.values())

# --- payload classes ------------------------------------------------------------------------

CONTROL = st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=8)


class Enormous(str):
    """A huge string with a short repr, so that hypothesis can report it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"'A' * {len(self):,}"


ENORMOUS = st.sampled_from([20_000, 140_000, 1_100_000]).map(lambda n: Enormous("A" * n))
NAIVE = st.datetimes().map(lambda d: d.isoformat())
IMPOSSIBLE_DATES = st.sampled_from(
    [
        "2026-02-30T09:00:00+00:00",
        "2026-13-01T09:00:00+00:00",
        "2026-01-01T25:00:00+00:00",
        "2026-01-01T09:00:00+25:00",
        "0000-01-01T00:00:00+00:00",
        "2026-1-1",
        "yesterday",
        "",
    ]
)
# What records accept as text: anything but the control characters they refuse.
ACCEPTED_TEXT = st.characters(
    codec="utf-8", exclude_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32), 127]))
)
FORMULAS = st.sampled_from(FORMULA_STARTS).flatmap(
    lambda start: st.text(ACCEPTED_TEXT, max_size=20).map(lambda rest: start + rest)
)
HTML = st.sampled_from(
    [
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "</textarea><svg onload=alert(1)>",
        "<a href='javascript:alert(1)'>click</a>",
    ]
)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
BAD_VALUES = st.one_of(
    JSON_VALUES,
    CONTROL,
    ENORMOUS,
    NAIVE,
    IMPOSSIBLE_DATES,
    FORMULAS,
    HTML,
    st.just(float("nan")),
    st.just(10**400),
)
"""A value that may not belong where it is put: every payload class at once."""

FUZZ = settings(
    max_examples=soak_int("ISO10002_FUZZ_EXAMPLES", 30, 1_000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def refused_or_valid(cls: type[Any], data: object) -> tuple[Any | None, ValidationError | None]:
    """``from_data(data, cls)``: the record, or the ValidationError; anything else fails."""
    try:
        return from_data(data, cls), None
    except ValidationError as error:
        refusal = error
    assert refusal.errors, "a ValidationError must list what is wrong"
    return None, refusal


# --- 1. serialization: every record and event type -----------------------------------------


@FUZZ
@given(cls=st.sampled_from((*RECORDS, Event)), text=st.text(max_size=200) | st.binary(max_size=200))
def test_any_text_is_structured_or_refused_with_a_validation_error(
    cls: type[Any], text: str | bytes
) -> None:
    refusal = None
    try:
        from_json(text, cls)
    except ValidationError as error:
        refusal = error
    assert refusal is None or refusal.errors


@FUZZ
@given(cls=st.sampled_from((*RECORDS, Event)), data=JSON_VALUES)
def test_any_json_data_is_structured_or_refused_with_a_validation_error(
    cls: type[Any], data: object
) -> None:
    refused_or_valid(cls, data)


@FUZZ
@given(data=st.data(), cls=st.sampled_from(EVENTS + RECORDS), bad=BAD_VALUES)
def test_one_bad_field_is_refused_naming_that_field(
    data: st.DataObject, cls: type[Any], bad: object
) -> None:
    if cls is model.Complaint:  # snapshots come from the library's rows: one will do
        record: Any = replay(history_to("closed"))
    else:
        record = data.draw(records(cls))
    good = to_data(record)
    assume(isinstance(good, dict))
    names = sorted(k for k in good if k != "type")
    assume(names)
    name = data.draw(st.sampled_from(names))
    broken = {**good, name: bad}
    target = Event if cls in EVENTS else cls
    result, error = refused_or_valid(target, broken)
    if error is not None:
        assert any(line.startswith(name) or f" {name}" in line for line in error.errors), (
            name,
            error.errors,
        )
    else:  # the value happened to be a valid one for that field: it round-trips
        assert to_data(result) == to_data(from_data(to_data(result), target))


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: c.__name__)
def test_every_event_type_refuses_a_naive_instant_naming_at(cls: type[Event]) -> None:
    @FUZZ
    @given(event=records(cls), naive=NAIVE)
    def check(event: Event, naive: str) -> None:
        with pytest.raises(ValidationError, match=r"at: naive datetime"):
            from_data({**to_data(event), "at": naive}, Event)

    check()


@pytest.mark.parametrize("store_factory", STORE_KINDS, indirect=True)
@pytest.mark.parametrize("where", ["product", "category", "actor", "person", "description"])
def test_a_control_character_in_any_text_is_refused_naming_the_field_on_every_store(
    store_factory: StoreFactory, where: str
) -> None:
    # PostgreSQL cannot store NUL in a text column: without this check the store failed with
    # StorageError (a server error to an API client) where SQLite stored it.
    from iso10002.desk import ComplaintsDesk

    bad = "card\x00fees"
    store = store_factory()
    try:
        desk = ComplaintsDesk(store)
        with pytest.raises(ValidationError) as refused:
            desk.receive(
                actor=bad if where == "actor" else "agent:ana",
                channel=model.Channel.WEB,
                complainant=None,
                description=bad if where == "description" else "Charged twice.",
                classification=model.Classification(
                    product=bad if where == "product" else "card",
                    category=bad if where == "category" else None,
                ),
                persons_complained_about=[bad] if where == "person" else [],
            )
        assert "control character" in str(refused.value)
        field = {"person": "persons_complained_about[0]"}.get(where, where)
        assert any(line.startswith(field) for line in refused.value.errors), refused.value
        assert store.count() == 0
    finally:
        store.close()


# --- 2. imports: CSV and JSON files -----------------------------------------------------------


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = tuple(CFPB_COLUMNS)) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, columns)  # \r\n: a cell with a bare \r is quoted
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


@pytest.fixture(scope="module")
def cfpb_rows() -> list[dict[str, str]]:
    return list(sample_rows(5, seed=3))


def imported(data: bytes, fmt: str) -> tuple[InMemoryStore, object]:
    """The import's report (or its ValidationError) and the store it wrote to."""
    from iso10002.clock import ManualClock

    store = InMemoryStore()
    clock = ManualClock(START + timedelta(days=3650))
    try:
        return store, import_complaints(store, io.BytesIO(data), format=fmt, clock=clock)
    except ValidationError as error:
        refusal = error
    assert refusal.errors
    assert store.count() == 0, "a refused file stored something"
    return store, refusal


def check_report(store: InMemoryStore, report: object, rows: int) -> None:
    if isinstance(report, ValidationError):
        return
    from iso10002.metrics.imports import ImportReport

    assert isinstance(report, ImportReport)
    assert report.imported + report.duplicates + report.refused == report.rows == rows
    assert store.count() == report.imported  # a refused row stored nothing


@FUZZ
@given(data=st.binary(max_size=400), fmt=st.sampled_from(["csv", "json", "jsonl"]))
def test_any_bytes_are_imported_or_refused_with_nothing_half_stored(data: bytes, fmt: str) -> None:
    store, report = imported(data, fmt)
    if not isinstance(report, ValidationError):
        assert store.count() == report.imported  # type: ignore[attr-defined]


@FUZZ
@given(
    column=st.sampled_from(list(CFPB_COLUMNS)),
    row=st.integers(0, 4),
    bad=BAD_VALUES.map(lambda v: v if isinstance(v, str) else str(v)),
    fmt=st.sampled_from(["csv", "json"]),
)
def test_a_bad_cell_refuses_its_row_naming_the_column_and_stores_the_rest(
    cfpb_rows: list[dict[str, str]], column: str, row: int, bad: str, fmt: str
) -> None:
    rows = [dict(r) for r in cfpb_rows]
    rows[row][column] = bad
    payload = csv_bytes(rows) if fmt == "csv" else json.dumps(rows).encode()
    store, report = imported(payload, fmt)
    check_report(store, report, len(rows))
    if isinstance(report, ValidationError):
        # Only a file-level problem refuses the whole file: the CSV cannot be parsed.
        assert fmt == "csv", report
        return
    assert report.refused <= 1, report  # type: ignore[attr-defined]
    for problem in report.problems:  # type: ignore[attr-defined]
        if problem.field is None:  # the csv module stops at a cell over its size limit
            assert re.search(r"larger than field limit|a row longer than", problem.message)
            assert problem.row == row + 1
        else:
            assert (problem.row, problem.field) == (row + 1, column), problem


def test_a_json_import_that_is_not_an_array_of_objects_is_refused_whole() -> None:
    for payload in (b"{", b"[1, 2]", b'{"a": 1}', b"\xff\xfe\x00", b'[{"Complaint ID": NaN}]'):
        store, report = imported(payload, "json")
        if not isinstance(report, ValidationError):
            assert report.imported == 0  # type: ignore[attr-defined]
        assert store.count() == 0


# --- 3. the Flask JSON API and intake form ------------------------------------------------------


@pytest.fixture(scope="module")
def flask_app() -> Iterator[Any]:
    pytest.importorskip("flask")
    from flask_support import flask_app as make

    with make() as app:
        yield app


API = "/complaints/api/complaints"


@FUZZ
@given(body=JSON_VALUES | st.fixed_dictionaries({"description": BAD_VALUES}))
def test_the_json_api_refuses_bad_bodies_with_a_problem_and_stores_nothing(
    flask_app: Any, body: object
) -> None:
    from flask_support import as_actor

    store = flask_app.extensions["iso10002"].store
    before = store.count()
    response = flask_app.test_client().post(
        API, data=json.dumps(body), content_type="application/json", headers=as_actor("agent:ana")
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert store.count() == before


@FUZZ
@given(raw=st.binary(max_size=100))
def test_the_json_api_refuses_bytes_that_are_not_json(flask_app: Any, raw: bytes) -> None:
    from flask_support import as_actor

    store = flask_app.extensions["iso10002"].store
    before = store.count()
    response = flask_app.test_client().post(
        API, data=raw, content_type="application/json", headers=as_actor("agent:ana")
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert store.count() == before


@FUZZ
@given(
    field=st.sampled_from(["description", "product", "category", "name", "email", "phone"]),
    payload=HTML,
    noise=st.text(max_size=10),
)
def test_html_in_any_intake_field_never_comes_back_unescaped(
    flask_app: Any, field: str, payload: str, noise: str
) -> None:
    client = flask_app.test_client()
    page = client.get("/complaints/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    submission = re.search(r'name="submission" value="([^"]*)"', page)
    assert token
    assert submission
    form = {
        "csrf_token": token.group(1),
        "submission": submission.group(1),
        "description": "The branch refused my cheque.",
        "product": "current account",
        field: noise + payload,
    }
    response = client.post("/complaints/new", data=form, follow_redirects=True)
    assert response.status_code < 500
    shown = response.get_data(as_text=True)
    assert payload not in shown
    for complaint in flask_app.extensions["iso10002"].store.find():
        assert complaint.description  # what was stored is kept as typed, escaped when shown


# --- 4. what the library writes: CSV exports ------------------------------------------------


def formula_cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_STARTS)
    ]


@FUZZ
@given(cells=st.lists(st.text(max_size=30) | FORMULAS, min_size=1, max_size=6))
def test_write_csv_never_writes_a_cell_a_spreadsheet_would_evaluate(cells: list[str]) -> None:
    out = io.StringIO(newline="")
    write_csv(out, [f"c{n}" for n in range(len(cells))], [cells])
    assert formula_cells(out.getvalue()) == []
    read = next(iter(list(csv.reader(io.StringIO(out.getvalue())))[1:]))
    for written, given_cell in zip(read, cells, strict=True):
        assert written in (given_cell, "'" + given_cell)  # only neutralised, never changed


@FUZZ
@given(
    product=FORMULAS | HTML,
    category=FORMULAS,
    description=FORMULAS | HTML | st.sampled_from(["x\t=1", "x\r\n=1+1", "@x"]),
)
def test_the_cfpb_export_neutralises_formula_cells_from_complaint_text(
    product: str, category: str, description: str
) -> None:
    assume(product.strip() and category.strip() and description.strip())
    store = SQLiteStore.memory()
    try:
        events = history_to(
            "closed",
            classification=model.Classification(product=product, category=category),
            description=description,
        )
        store.create(events)
        out = io.StringIO(newline="")
        export_cfpb(store, out, narratives=True, at=START + timedelta(days=90))
        text = out.getvalue()
        assert formula_cells(text) == []
        header, row = list(csv.reader(io.StringIO(text)))
        # The product is kept, only prefixed with a quote when a spreadsheet would evaluate it.
        assert row[header.index("Product")] in (product, "'" + product)
    finally:
        store.close()

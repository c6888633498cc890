"""The standard mapped to the API: every clause implemented by names that exist."""

from __future__ import annotations

import pytest

from iso10002.desk import ComplaintsDesk
from iso10002.events import EVENT_TYPES
from iso10002.lifecycle import TRANSITIONS
from iso10002.principles import CLAUSE_MAP, CLAUSES, ApiRef, ClauseMapping, clause_map_table
from iso10002.principles.checklist import checks_by_clause
from iso10002.principles.clause_map import desk_method, resolve

REFS = [ref for mapping in CLAUSE_MAP.values() for ref in mapping.api]


def test_every_clause_of_the_table_is_implemented_by_something() -> None:
    citing = checks_by_clause()
    for number in CLAUSES:
        mapping = CLAUSE_MAP.get(number, ClauseMapping())
        assert mapping.events or mapping.api or citing.get(number), number


def test_the_map_names_only_clauses_of_the_table() -> None:  # one table of numbers
    assert set(CLAUSE_MAP) <= set(CLAUSES)


@pytest.mark.parametrize("ref", [r for r in REFS if not r.planned], ids=lambda r: r.target)
def test_every_name_in_the_map_exists(ref: ApiRef) -> None:
    resolve(ref.target)


def test_a_name_that_does_not_exist_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        resolve("iso10002.desk.ComplaintsDesk.approve_everything")
    with pytest.raises(LookupError):
        resolve("iso10002.no_such_module.thing")


def test_every_lifecycle_event_in_the_map_has_a_record_and_a_desk_method() -> None:
    records = {cls.lifecycle_event for cls in EVENT_TYPES.values()}
    for mapping in CLAUSE_MAP.values():
        for event in mapping.events:
            assert event in TRANSITIONS.events, event
            assert event in records, event
            assert callable(getattr(ComplaintsDesk, desk_method(event))), event


def test_every_lifecycle_event_serves_some_clause() -> None:
    mapped = {event for mapping in CLAUSE_MAP.values() for event in mapping.events}
    assert set(TRANSITIONS.events) == mapped


def test_the_table_has_one_row_per_clause_in_the_standards_order() -> None:
    rows = clause_map_table().splitlines()[2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows][:3] == ["4.2", "4.3", "4.4"]
    assert len(rows) == len(CLAUSES)


def test_unconfirmed_numbers_keep_their_mark_in_the_table() -> None:
    rows = {r.split(" | ")[0].lstrip("| "): r for r in clause_map_table().splitlines()[2:]}
    assert "| Commitment |" in rows["4.2"]  # the one confirmed number
    assert "Closing the complaint (UNCONFIRMED)" in rows["7.9"]


def test_the_guards_come_from_the_lifecycle() -> None:
    rows = {r.split(" | ")[0].lstrip("| "): r for r in clause_map_table().splitlines()[2:]}
    assert "`close` → `Closed`, `ComplaintsDesk.close`; guards `may_close`" in rows["7.9"]
    investigation = "guards `severity_assessed`, `category_known`, `objective_investigator`"
    assert investigation in rows["7.6"]


def test_a_planned_name_appears_only_once_it_exists() -> None:
    planned = [r for r in REFS if r.planned]
    assert planned  # the metrics functions, named before they land
    table = clause_map_table()
    for ref in planned:
        try:
            resolve(ref.target)
        except LookupError:
            assert f"{ref.label}: {ref.note}" not in table
        else:
            assert f"{ref.label}: {ref.note}" in table

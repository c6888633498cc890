"""The one table of principles and clauses, with the UNCONFIRMED marks it must keep."""

from __future__ import annotations

import pytest

from iso10002.principles import (
    BUILTIN_CHECKS,
    CLAUSES,
    PRINCIPLES,
    Confirmation,
    Principle,
    clause,
)
from iso10002.principles.clauses import clause_sort_key


def test_every_principle_of_the_2018_list_has_a_clause() -> None:
    assert set(PRINCIPLES) == set(Principle)
    assert len(Principle) == 14


def test_the_principles_are_numbered_4_2_to_4_15_in_the_list_order() -> None:
    numbers = [PRINCIPLES[p].number for p in Principle]
    assert numbers == [f"4.{n}" for n in range(2, 16)]


def test_only_commitment_is_confirmed_for_2018() -> None:  # reference/regimes.md A.2
    confirmed = [p for p, row in PRINCIPLES.items() if row.confirmation is Confirmation.CONFIRMED]
    assert confirmed == [Principle.COMMITMENT]


def test_process_clauses_are_all_marked_unconfirmed() -> None:
    for number, row in CLAUSES.items():
        if not number.startswith("4."):
            assert row.mark == "UNCONFIRMED", number


def test_the_2014_numbers_are_kept_where_the_principle_existed() -> None:
    assert PRINCIPLES[Principle.OBJECTIVITY].edition_2014 == "4.5"
    assert PRINCIPLES[Principle.IMPROVEMENT].edition_2014 == "4.10"
    assert PRINCIPLES[Principle.COMPETENCE].edition_2014 is None


def test_every_built_in_check_cites_a_clause_of_the_table() -> None:
    for check in BUILTIN_CHECKS:
        assert check.clause in CLAUSES, check.name


def test_a_check_without_a_clause_cites_its_principles() -> None:
    by_name = {c.name: c for c in BUILTIN_CHECKS}
    assert (
        by_name["objectivity.four_eyes_redress"].clause == PRINCIPLES[Principle.OBJECTIVITY].number
    )


def test_unknown_clause_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        clause("12.1")


def test_clauses_sort_as_the_standard_orders_them() -> None:
    numbers = ["8.5", "4.10", "7.2", "4.9", "Acme 1", "4.2"]
    assert sorted(numbers, key=clause_sort_key) == ["4.2", "4.9", "4.10", "7.2", "8.5", "Acme 1"]

"""The atheris harnesses in ``tests/fuzz`` run here too, without atheris, so they cannot rot.

Each harness's ``one_input`` gets its seeds and a few dozen inputs from hypothesis;
``nox -s fuzz`` runs them under atheris (coverage-guided) for as long as it is given.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = Path(__file__).parent.parent / "fuzz"
HARNESSES = sorted(p.stem for p in FUZZ.glob("fuzz_*.py"))


def harness(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"iso10002_{name}", FUZZ / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_harnesses_for_serialization_and_import() -> None:
    assert HARNESSES == ["fuzz_import", "fuzz_serialization"]


@pytest.mark.parametrize("name", HARNESSES)
def test_each_harness_accepts_its_seeds(name: str) -> None:
    module = harness(name)
    seeds = module.seeds()
    assert seeds
    for seed in seeds:
        module.one_input(seed)


@pytest.mark.parametrize("name", HARNESSES)
def test_each_harness_survives_arbitrary_bytes(name: str) -> None:
    module = harness(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=300))
    def check(data: bytes) -> None:
        module.one_input(data)

    check()

"""The demo keeps its complaints in an SQLite file, says where, and says that it verifies."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from iso10002.cli import DEMO_FILE, main
from iso10002.storage import SQLiteStore

SMALL = ["demo", "--complaints", "5", "--seed", "3"]


def test_the_demo_writes_the_given_file_and_verifies_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quarter.sqlite3"
    assert main([*SMALL, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"Store: SQLite file {path}")
    assert out.rstrip().endswith("Integrity: 5 complaints verified, no problems")
    with SQLiteStore(path) as store:
        assert store.count() == 5
        assert store.verify_integrity().ok


def test_the_demo_creates_its_file_in_the_given_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new" / "folder"
    assert main([*SMALL, "--dir", str(folder)]) == 0
    assert (folder / DEMO_FILE).exists()
    assert str(folder / DEMO_FILE) in capsys.readouterr().out


def test_without_a_place_the_demo_uses_a_new_temporary_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(SMALL) == 0
    found = re.match(r"Store: SQLite file (\S+)", capsys.readouterr().out)
    assert found is not None
    path = Path(found.group(1))
    try:
        assert path.name == DEMO_FILE
        assert path.parent.name.startswith("iso10002-")
        with SQLiteStore(path) as store:
            assert store.count() == 5
    finally:
        shutil.rmtree(path.parent)


def test_the_demo_refuses_a_file_that_already_holds_complaints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quarter.sqlite3"
    main([*SMALL, "--db", str(path), "--quiet"])
    with pytest.raises(SystemExit) as exited:
        main([*SMALL, "--db", str(path)])
    assert exited.value.code == 2
    assert "already holds complaints" in capsys.readouterr().err
    with SQLiteStore(path) as store:
        assert store.count() == 5


def test_the_demo_refuses_another_applications_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "crm.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    db.close()
    with pytest.raises(SystemExit) as exited:
        main([*SMALL, "--db", str(path)])
    assert exited.value.code == 2
    assert "some other application" in capsys.readouterr().err


def test_a_file_and_a_folder_together_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*SMALL, "--db", str(tmp_path / "a.sqlite3"), "--dir", str(tmp_path)])
    assert exited.value.code == 2

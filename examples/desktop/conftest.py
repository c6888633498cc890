"""Fixtures of the desktop example's tests: a presenter on a fresh file, and a real screen.

The GUI tests run the real Tk window on a virtual X screen (Xvfb) that the ``xvfb`` fixture
starts on a free display number and stops afterwards. Without Xvfb (or Tk, Pillow or
xdotool) the tests that need it **skip** with the reason on a developer's machine, but
**fail** when ``CI=true`` or ``ISO10002_REQUIRE_SERVICES=1``: the same rule as
``require_service`` in the library's own test suite (see ``desktop_checks.py``), so CI
cannot pass without having driven the window.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import select
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from complaints_desktop.presenter import DeskPresenter
from desktop_checks import require

from iso10002 import ManualClock

if TYPE_CHECKING:
    import tkinter as tk

    from complaints_desktop.window import DeskWindow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)  # a Monday, 09:00 in London
SCREEN = "1600x1000x24"


@pytest.fixture
def clock() -> ManualClock:
    """The office's clock, Monday 5 January 2026, 09:00 in London; moved by hand."""
    return ManualClock(START)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Where the test's complaints file goes."""
    return tmp_path / "office.sqlite3"


@pytest.fixture
def presenter(clock: ManualClock, database: Path) -> Iterator[DeskPresenter]:
    """A presenter on a new complaints file, Ana Silva (handler) signed in."""
    desk = DeskPresenter(clock=clock)
    assert desk.open_database(database, create=True).ok
    yield desk
    desk.close()


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """A virtual X screen on a free display (Xvfb picks it: ``-displayfd``); DISPLAY is set."""
    require(shutil.which("Xvfb") is not None, "Xvfb is not installed (Debian package xvfb)")
    require(importlib.util.find_spec("tkinter") is not None, "this Python has no tkinter")
    read, write = os.pipe()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        os.close(write)
        # Xvfb writes its display number and a newline once it accepts connections: no
        # polling, no sleep. Read up to the newline before closing our end, or Xvfb dies of
        # SIGPIPE writing the rest.
        received = b""
        while not received.endswith(b"\n"):
            ready, _, _ = select.select([read], [], [], 60)
            chunk = os.read(read, 32) if ready else b""
            if not chunk:
                break
            received += chunk
        os.close(read)
        number = received.decode().strip() if received.endswith(b"\n") else ""
        if not number:
            process.kill()
            process.wait()
            log.seek(0)
            pytest.fail(f"Xvfb did not start: {log.read().decode(errors='replace')[-2000:]}")
        display = f":{number}"
        previous = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = display
        try:
            yield display
        finally:
            if previous is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = previous
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def root(xvfb: str) -> Iterator[tk.Tk]:
    """A Tk root on the virtual screen, destroyed after the test."""
    import tkinter as tk

    window = tk.Tk(screenName=xvfb)
    yield window
    with contextlib.suppress(tk.TclError):  # unless the test quit the window itself
        window.destroy()


@pytest.fixture
def window(root: tk.Tk, presenter: DeskPresenter, database: Path) -> DeskWindow:
    """The desk's main window on the presenter's file, drawn."""
    from complaints_desktop.window import DeskWindow

    desk = DeskWindow(root, presenter)
    desk.open_database(database, create=False)
    root.update()
    return desk


@pytest.fixture
def screenshot(xvfb: str) -> Callable[[tk.Misc, str], Path]:
    """Save what the screen shows of a window to ``artifacts/desktop-<name>.png``."""
    require(importlib.util.find_spec("PIL") is not None, "Pillow is not installed (iso10002[test])")
    from PIL import ImageGrab

    def save(widget: tk.Misc, name: str) -> Path:
        top = widget.winfo_toplevel()
        top.update()
        x, y = top.winfo_rootx(), top.winfo_rooty()
        box = (x, y, x + top.winfo_width(), y + top.winfo_height())
        image = ImageGrab.grab(bbox=box, xdisplay=xvfb)
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"desktop-{name}.png"
        image.save(path)
        return path

    return save


@pytest.fixture
def xdotool(xvfb: str) -> Callable[..., None]:
    """Run ``xdotool`` on the virtual screen: real pointer and keyboard input."""
    require(shutil.which("xdotool") is not None, "xdotool is not installed (Debian: xdotool)")

    def run(*args: str) -> None:
        subprocess.run(
            ["xdotool", *args], env={**os.environ, "DISPLAY": xvfb}, check=True, timeout=60
        )

    return run

"""The real Tk window on a virtual X screen (Xvfb), driven by its widgets and by xdotool.

Each test presses what a person would press, checks what the window then shows, and some
save a screenshot to ``artifacts/desktop-*.png`` at the repository root (see conftest.py:
without Xvfb these tests skip locally and fail in CI).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from desktop_checks import require

# Without Tk or Pillow this module cannot even be imported: skip it locally, fail it in CI.
require(importlib.util.find_spec("tkinter") is not None, "this Python has no tkinter")
require(importlib.util.find_spec("PIL") is not None, "Pillow is not installed (iso10002[test])")

import tkinter as tk  # noqa: E402

from complaints_desktop.presenter import DeskPresenter, Level  # noqa: E402
from complaints_desktop.window import (  # noqa: E402
    LEVEL_COLOURS,
    DeskWindow,
    FormDialog,
    MessageBox,
)
from PIL import Image  # noqa: E402

from iso10002 import ManualClock  # noqa: E402

Screenshot = Callable[[tk.Misc, str], Path]


def receive_in_window(window: DeskWindow, **values: str) -> str:
    """Fill in the receipt form and press Receive; the new complaint's id."""
    dialog = window.open_receive()
    assert dialog is not None
    for name, value in ({"product": "broadband", "description": "No line."} | values).items():
        dialog.set(name, value)
    dialog.submit_button.invoke()
    window.root.update()
    assert window.current is not None, window.status.cget("text")
    return window.current


def press(window: DeskWindow, event: str, **values: str | bool) -> FormDialog | None:
    """Press an action button; fill in and submit its dialog if it opens one."""
    window.action_buttons[event].invoke()
    window.root.update()
    dialog = window.dialogs[-1] if window.dialogs and window.dialogs[-1].winfo_exists() else None
    if dialog is not None:
        for name, value in values.items():
            dialog.set(name, value)
        dialog.submit_button.invoke()
        window.root.update()
    return dialog


def open_messages(window: DeskWindow) -> list[MessageBox]:
    return [m for m in window.messages if m.winfo_exists()]


def on_top(window: DeskWindow) -> str:
    """The path name of the window stacked highest on the screen."""
    return str(window.root.tk.eval("wm stackorder .")).split()[-1]


def row_colour(image: Image.Image, window: DeskWindow, item: str) -> tuple[int, int, int]:
    """The colour the screen shows at the left end of a list row, away from its text."""
    x, y, _, height = window.tree.bbox(item, "owner")
    pixel = image.getpixel(
        (
            window.tree.winfo_rootx() - window.root.winfo_rootx() + x + 70,
            window.tree.winfo_rooty() - window.root.winfo_rooty() + y + height // 2,
        )
    )
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_list_colours_complaints_by_their_deadlines(
    window: DeskWindow, presenter: DeskPresenter, clock: ManualClock, screenshot: Screenshot
) -> None:
    late = receive_in_window(window, name="Jo Bloggs", category="billing")
    clock.advance(timedelta(days=8))  # Tue 13 Jan 09:00
    risky = receive_in_window(window, name="Sam Jones", category="outage")
    press(window, "acknowledge")
    clock.advance(timedelta(days=11, hours=3))  # Sat 24 Jan 12:00
    fine = receive_in_window(window, name="Ada Lovelace", category="engineer visit")
    window.refresh()
    window.root.update()
    tags = {item: window.tree.item(item, "tags")[0] for item in window.tree.get_children()}
    assert tags == {
        late: Level.BREACHED.value,  # never acknowledged, no update in ten business days
        risky: Level.AT_RISK.value,  # acknowledged; 9 of its 10 days to an update gone
        fine: Level.ON_TRACK.value,  # received on a Saturday: no business time used yet
    }
    assert window.tree.item(late, "values")[5] == "breached: acknowledge, update"
    assert window.tree.item(risky, "values")[5] == "at risk: update"
    window.tree.selection_set(())  # a selected row shows the selection colour instead
    image = Image.open(screenshot(window.root, "list")).convert("RGB")
    for item, level in ((late, Level.BREACHED), (risky, Level.AT_RISK), (fine, Level.ON_TRACK)):
        assert row_colour(image, window, item) == hex_rgb(LEVEL_COLOURS[level][0])


def test_a_complaint_received_in_the_form_appears_in_the_list_and_the_detail_pane(
    window: DeskWindow,
) -> None:
    complaint_id = receive_in_window(window, name="Jo Bloggs", email="jo@example.org")
    assert window.tree.get_children() == (complaint_id,)
    assert window.tree.item(complaint_id, "values")[1:4] == ("Jo Bloggs", "broadband", "received")
    assert window.fact_labels["Complainant"].cget("text") == "Jo Bloggs"
    assert window.history_lines()[0].endswith("Received — Ana Silva")
    assert window.status.cget("text") == f"Received: complaint {complaint_id} recorded"


def test_the_buttons_are_the_events_the_lifecycle_allows_now(
    window: DeskWindow, presenter: DeskPresenter
) -> None:
    complaint_id = receive_in_window(window, category="billing")
    assert presenter.office is not None
    desk = presenter.office.desk
    for event in ("acknowledge", "assess", "start_investigation"):
        assert list(window.action_buttons) == list(desk.allowed_events(complaint_id))
        press(window, event)
    assert window.fact_labels["State"].cget("text") == "investigating"
    assert "decide" in window.action_buttons
    assert "acknowledge" not in window.action_buttons


def test_an_action_dialog_records_its_payload(window: DeskWindow, presenter: DeskPresenter) -> None:
    complaint_id = receive_in_window(window)
    dialog = press(window, "acknowledge", method="phone", message="Called Jo back.")
    assert dialog is not None
    assert not dialog.winfo_exists()  # closed once recorded
    assert window.fact_labels["State"].cget("text") == "acknowledged"
    assert window.history_lines()[-2:] == [
        "Mon 05 Jan 2026 09:00  Acknowledged — Ana Silva",
        "method: phone; message: Called Jo back.",
    ]
    assert presenter.detail(complaint_id).version == 2


def test_a_refused_action_shows_the_refusal_and_changes_nothing(
    window: DeskWindow, presenter: DeskPresenter, screenshot: Screenshot, database: Path
) -> None:
    complaint_id = receive_in_window(window)
    window.choose_user("auditor:sam")
    window.root.update()
    assert window.user_choice.get() == "Sam Patel — auditor"
    assert window.action_buttons["acknowledge"].cget("text") == "Acknowledge… *"
    press(window, "acknowledge")
    (box,) = open_messages(window)
    assert box.heading == "Not allowed"
    assert box.text.startswith(f"'auditor:sam' may not acknowledge complaint '{complaint_id}'.")
    assert "the refused attempt has been recorded" in box.text
    assert on_top(window) == str(box)  # above the dialog that was submitted
    screenshot(window.root, "refusal")
    box.ok_button.invoke()
    window.root.update()
    assert open_messages(window) == []
    assert presenter.detail(complaint_id).version == 1
    assert window.fact_labels["State"].cget("text") == "received"
    refusals = window.show_refusals()
    assert refusals is not None
    assert refusals.text == (
        f"Mon 05 Jan 2026 09:00: Sam Patel was refused acknowledge on {complaint_id}"
    )
    assert database.with_name("office.sqlite3.refusals.txt").exists()


def test_the_user_picker_signs_a_person_in(window: DeskWindow, presenter: DeskPresenter) -> None:
    receive_in_window(window)
    window.user_picker.set("Lee Morgan — dpo")
    window.user_picker.event_generate("<<ComboboxSelected>>")
    window.root.update()
    assert presenter.user is not None
    assert presenter.user.actor == "dpo:lee"
    assert window.action_buttons["redact"].cget("text") == "Erase personal data…"
    assert window.action_buttons["acknowledge"].cget("text").endswith(" *")


def test_a_bad_form_lists_every_bad_field_and_stays_open_to_be_corrected(
    window: DeskWindow, screenshot: Screenshot
) -> None:
    dialog = window.open_receive()
    assert dialog is not None
    dialog.set("email", "jo@example.org")
    dialog.submit_button.invoke()
    window.root.update()
    (box,) = open_messages(window)
    assert box.heading == "Please correct the form"
    assert box.text.splitlines() == [
        "• product: required",
        "• description: required",
        "• name: needed when contact details are given",
    ]
    assert on_top(window) == str(box)  # in front of the form it is about
    screenshot(window.root, "form-errors")
    assert dialog.winfo_exists()
    box.ok_button.invoke()
    for name, value in {"name": "Jo", "product": "tv", "description": "No picture."}.items():
        dialog.set(name, value)
    dialog.submit_button.invoke()
    window.root.update()
    assert not dialog.winfo_exists()
    assert len(window.tree.get_children()) == 1


def test_a_refusal_by_the_lifecycle_is_a_message_box(window: DeskWindow) -> None:
    receive_in_window(window, about="Bo Chen (agent:bo)", category="billing")
    press(window, "acknowledge")
    press(window, "assess")
    dialog = press(window, "start_investigation", investigator="Bo Chen (agent:bo)")
    (box,) = open_messages(window)
    assert box.heading == "Not possible now"
    assert "'agent:bo' is named in the complaint and cannot be its investigator" in box.text
    assert dialog is not None
    assert dialog.winfo_exists()  # choose someone else and try again
    dialog.set("investigator", "Ana Silva (agent:ana)")
    dialog.submit_button.invoke()
    window.root.update()
    assert window.fact_labels["State"].cget("text") == "investigating"


def test_a_whole_complaint_is_handled_to_closure_in_the_window(
    window: DeskWindow, presenter: DeskPresenter, clock: ManualClock, screenshot: Screenshot
) -> None:
    complaint_id = receive_in_window(window, name="Jo Bloggs", category="billing")
    steps: list[tuple[str, str, dict[str, str | bool]]] = [
        ("agent:ana", "acknowledge", {}),
        ("agent:ana", "assess", {"severity": "high", "urgent": True}),
        ("agent:ana", "start_investigation", {}),
        ("lead:kim", "decide", {"reasons": "We billed twice.", "redress": "25.00"}),
        ("agent:ana", "communicate_decision", {}),
        ("agent:ana", "accept", {}),
        ("lead:kim", "close", {"summary": "Refund paid."}),
    ]
    for actor, event, values in steps:
        clock.advance(timedelta(hours=2))
        window.choose_user(actor)
        if event == "close":
            window.action_buttons[event].invoke()
            window.root.update()
            screenshot(window.root, "closing")
            dialog = window.dialogs[-1]
            for name, value in values.items():
                dialog.set(name, value)
            dialog.submit_button.invoke()
            window.root.update()
        else:
            press(window, event, **values)
        assert open_messages(window) == [], open_messages(window)[0].text
    assert window.fact_labels["State"].cget("text") == "closed"
    assert window.fact_labels["Decision"].cget("text") == "upheld: We billed twice."
    assert window.tree.item(complaint_id, "values")[3] == "closed"
    screenshot(window.root, "closed")
    assert presenter.office is not None
    assert presenter.office.store.verify_integrity().ok


def test_opening_a_file_that_is_not_a_complaints_database_shows_why(
    window: DeskWindow, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_bytes(b"not a database at all" * 100)
    window.open_database(notes, create=False)
    window.root.update()
    (box,) = open_messages(window)
    assert box.heading == "Cannot use this file"
    assert str(notes) in box.text


def test_typing_and_clicking_with_real_input(
    window: DeskWindow, xdotool: Callable[..., None], screenshot: Screenshot
) -> None:
    window.receive_button.invoke()
    window.root.update()
    dialog = window.dialogs[-1]

    def click(widget: tk.Misc) -> None:
        x = widget.winfo_rootx() + min(20, widget.winfo_width() // 2)
        y = widget.winfo_rooty() + widget.winfo_height() // 2
        xdotool("mousemove", "--sync", str(x), str(y), "click", "1")

    for name, words in (("name", "Jo Bloggs"), ("product", "broadband")):
        click(dialog.widgets[name])
        xdotool("type", "--delay", "1", words)
    click(dialog.widgets["description"])
    xdotool("type", "--delay", "1", "Engineer missed two visits.")
    window.root.update()  # Tk's update syncs with the X server: every key has arrived
    assert dialog.values()["name"] == "Jo Bloggs"
    assert dialog.values()["description"] == "Engineer missed two visits."
    screenshot(window.root, "typed-form")
    click(dialog.submit_button)
    window.root.update()
    (item,) = window.tree.get_children()
    assert window.tree.item(item, "values")[1:3] == ("Jo Bloggs", "broadband")


def test_a_complaint_changed_by_someone_else_is_reloaded_instead_of_overwritten(
    window: DeskWindow, presenter: DeskPresenter
) -> None:
    complaint_id = receive_in_window(window)
    assert presenter.office is not None
    presenter.office.desk.add_note(complaint_id, actor="agent:bo", text="Called back.")
    press(window, "acknowledge")  # the window still shows version 1
    (box,) = open_messages(window)
    assert box.heading == "Changed by someone else"
    assert window.fact_labels["Complaint"].cget("text") == f"{complaint_id} (version 2)"
    assert window.fact_labels["State"].cget("text") == "received"
    assert window.history_lines()[-1] == "text: Called back."


def test_the_program_starts_on_a_file_and_quits_with_ctrl_q(
    xvfb: str, xdotool: Callable[..., None], tmp_path: Path
) -> None:
    database = tmp_path / "started.sqlite3"
    command = [sys.executable, str(Path(__file__).parent / "run_desk.py"), str(database)]
    command += ["--user", "lead:kim", "--preset", "fca.disp.standard"]
    program = subprocess.Popen(
        command, env={**os.environ, "DISPLAY": xvfb}, stderr=subprocess.PIPE, text=True
    )
    try:
        # xdotool waits until the window is mapped; then a click focuses it and Ctrl+Q quits.
        xdotool("search", "--sync", "--onlyvisible", "--name", "iso10002 desk")
        xdotool("mousemove", "--sync", "700", "400", "click", "1", "key", "ctrl+q")
        _, errors = program.communicate(timeout=120)
    finally:
        if program.poll() is None:
            program.kill()
            program.communicate()
    assert (program.returncode, errors) == (0, "")
    assert database.exists()  # created, with its schema, on first opening

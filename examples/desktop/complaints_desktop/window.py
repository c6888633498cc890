"""The Tk window: draws what :class:`~complaints_desktop.presenter.DeskPresenter` gives it.

Nothing here decides anything about complaints. The list, the detail pane and the buttons
come from the presenter; a dialog hands its values back to the presenter, and what comes
back (:class:`~complaints_desktop.presenter.Feedback`) is shown in the status bar when it
went well and in a message box when it did not.

Every dialog is an ordinary, non-blocking ``Toplevel`` (no nested event loop), so the
program is driven the same way by a person, by ``xdotool`` and by a test that invokes its
widgets. Run it with ``python examples/desktop/run_desk.py [FILE]``.
"""

from __future__ import annotations

import argparse
import functools
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from tkinter import filedialog, ttk

from complaints_desktop.forms import Field, FieldKind, Form, FormValue
from complaints_desktop.office import DEFAULT_PRESET
from complaints_desktop.presenter import (
    ComplaintDetail,
    DeskPresenter,
    Feedback,
    Level,
    explain,
)
from iso10002.errors import Iso10002Error
from iso10002.sla import presets

__all__ = ["LEVEL_COLOURS", "DeskWindow", "FormDialog", "MessageBox", "main"]

TITLE = "iso10002 desk"

LEVEL_COLOURS: Mapping[Level, tuple[str, str]] = {
    Level.BREACHED: ("#f4c7c3", "#7a1010"),
    Level.AT_RISK: ("#fce8b2", "#6b4a00"),
    Level.ON_TRACK: ("#ffffff", "#1f1f1f"),
    Level.MET: ("#e6f4ea", "#1e4620"),
    Level.NONE: ("#ffffff", "#5f6368"),
}
"""Background and text colour of a row, by how urgent its deadlines are."""

_NOT_GRANTED = " *"
_NO_FILE = Feedback(False, "No complaints file", "Open or create a complaints file first.", "file")
_BUTTONS_PER_ROW = 3


def _place_over(window: tk.Toplevel, master: tk.Misc, dx: int = 140, dy: int = 90) -> None:
    """Put a dialog over its window, on top of the others.

    There may be no window manager to place or raise it (a kiosk, Xvfb), and Tk does not
    stack a new toplevel above the ones already shown: raise it each time it is mapped.
    """
    window.geometry(f"+{master.winfo_rootx() + dx}+{master.winfo_rooty() + dy}")

    def raise_when_mapped(event: tk.Event[tk.Misc]) -> None:
        if event.widget is not window:  # a toplevel's bindings also see its children's events
            return
        window.lift()
        # A message is about what lies under it: keep open messages above any dialog.
        for other in window.master.winfo_children():
            if isinstance(other, MessageBox) and other is not window and other.winfo_ismapped():
                other.lift()

    window.bind("<Map>", raise_when_mapped, add="+")


class MessageBox(tk.Toplevel):
    """A readable message: a heading, the text and an OK button (``error`` shows it red).

    Not modal on purpose: a test or ``xdotool`` presses OK like a person would.
    """

    def __init__(self, master: tk.Misc, title: str, text: str, *, error: bool) -> None:
        super().__init__(master)
        self.title(title)
        self.heading = title
        self.text = text
        self.error = error
        self.transient(master.winfo_toplevel())
        # A frame of its own: without a window manager there is no title bar to tell it apart.
        self.configure(highlightthickness=2, highlightbackground="#a50e0e" if error else "#1a4f8b")
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        colour = "#a50e0e" if error else "#1a4f8b"
        ttk.Label(body, text=title, foreground=colour, font="TkHeadingFont").pack(anchor="w")
        ttk.Label(body, text=text, wraplength=480, justify="left").pack(anchor="w", pady=(8, 12))
        self.ok_button = ttk.Button(body, text="OK", command=self.destroy)
        self.ok_button.pack(anchor="e")
        self.bind("<Return>", lambda _e: self.destroy())
        self.bind("<Escape>", lambda _e: self.destroy())
        _place_over(self, master, 220, 160)
        self.ok_button.focus_set()


class FormDialog(tk.Toplevel):
    """A dialog drawn from a :class:`~complaints_desktop.forms.Form`.

    ``people`` are the staff picker's labels; ``on_submit`` sends the values and returns the
    presenter's :class:`Feedback`; ``on_done`` is told of every feedback. The dialog closes
    when the request went through, or failed in a way the form cannot fix.
    """

    def __init__(
        self,
        master: tk.Misc,
        form: Form,
        *,
        people: Sequence[str],
        on_submit: Callable[[dict[str, FormValue]], Feedback],
        on_done: Callable[[Feedback], object],
    ) -> None:
        super().__init__(master)
        self.form = form
        self.title(form.title)
        self.transient(master.winfo_toplevel())
        self.configure(highlightthickness=1, highlightbackground="#7a7a7a")
        self._on_submit = on_submit
        self._on_done = on_done
        self.strings: dict[str, tk.StringVar] = {}
        self.flags: dict[str, tk.BooleanVar] = {}
        self.texts: dict[str, tk.Text] = {}
        self.widgets: dict[str, tk.Widget] = {}
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=form.title, font="TkHeadingFont").grid(
            row=0, column=0, columnspan=2, sticky="w"
        )
        if form.intro:
            ttk.Label(body, text=form.intro, wraplength=440, foreground="#444").grid(
                row=1, column=0, columnspan=2, sticky="w", pady=(2, 8)
            )
        for row, field in enumerate(form.fields, start=2):
            label = field.label + (" *" if field.required else "")
            ttk.Label(body, text=label).grid(row=row, column=0, sticky="nw", padx=(0, 10), pady=3)
            widget = self._widget(body, field, people)
            widget.grid(row=row, column=1, sticky="ew", pady=3)
            self.widgets[field.name] = widget
            if field.hint:
                ttk.Label(body, text=field.hint, foreground="#666").grid(
                    row=row, column=2, sticky="w", padx=(8, 0)
                )
        buttons = ttk.Frame(body)
        buttons.grid(row=len(form.fields) + 2, column=0, columnspan=3, sticky="e", pady=(12, 0))
        self.cancel_button = ttk.Button(buttons, text="Cancel", command=self.destroy)
        self.cancel_button.pack(side="right")
        self.submit_button = ttk.Button(buttons, text=form.submit, command=self.submit)
        self.submit_button.pack(side="right", padx=(0, 8))
        body.columnconfigure(1, weight=1)
        self.bind("<Escape>", lambda _e: self.destroy())
        _place_over(self, master)

    def _widget(self, parent: tk.Misc, field: Field, people: Sequence[str]) -> tk.Widget:
        name, kind, default = field.name, field.kind, field.default
        if kind is FieldKind.FLAG:
            flag = tk.BooleanVar(self, value=default is True)
            self.flags[name] = flag
            return ttk.Checkbutton(parent, variable=flag)
        if kind is FieldKind.LINES:
            text = tk.Text(parent, width=48, height=4, wrap="word", font="TkDefaultFont")
            text.insert("1.0", str(default))
            self.texts[name] = text
            return text
        variable = tk.StringVar(self, value=str(default))
        self.strings[name] = variable
        if kind in (FieldKind.CHOICE, FieldKind.PERSON):
            values = list(field.choices) if kind is FieldKind.CHOICE else ["", *people]
            return ttk.Combobox(parent, textvariable=variable, values=values, state="readonly")
        return ttk.Entry(parent, textvariable=variable, width=50)

    def set(self, name: str, value: FormValue) -> None:
        """Fill in one field, as a person would."""
        if name in self.texts:
            self.texts[name].delete("1.0", "end")
            self.texts[name].insert("1.0", str(value))
        elif name in self.flags:
            self.flags[name].set(value is True)
        else:
            self.strings[name].set(str(value))

    def values(self) -> dict[str, FormValue]:
        """What is in the form now."""
        values: dict[str, FormValue] = {name: var.get() for name, var in self.strings.items()}
        values.update({name: flag.get() for name, flag in self.flags.items()})
        values.update({name: t.get("1.0", "end-1c") for name, t in self.texts.items()})
        return values

    def submit(self) -> Feedback:
        """Send the values; close unless the form can fix what went wrong."""
        feedback = self._on_submit(self.values())
        if feedback.ok or not feedback.keep_form:
            self.destroy()
        self._on_done(feedback)
        return feedback


class DeskWindow:
    """The main window: file, user picker, complaints list, detail pane, status bar.

    Built on a ``tk.Tk`` root and a presenter. Every menu item and button calls one of the
    public methods (:meth:`open_database`, :meth:`open_receive`, :meth:`press`,
    :meth:`choose_user` …), which tests call too.
    """

    def __init__(self, root: tk.Tk, presenter: DeskPresenter) -> None:
        self.root = root
        self.presenter = presenter
        self.current: str | None = None
        self.detail_shown: ComplaintDetail | None = None
        self.messages: list[MessageBox] = []
        self.dialogs: list[FormDialog] = []
        self.action_buttons: dict[str, ttk.Button] = {}
        self.fact_labels: dict[str, ttk.Label] = {}
        root.title(TITLE)
        root.geometry("1400x800+0+0")
        root.protocol("WM_DELETE_WINDOW", self.quit)
        root.bind_all("<Control-q>", lambda _event: self.quit())
        self._style()
        self._menus()
        self._top_bar()
        # The status bar is packed before the panes so that they cannot take its room.
        self.status = ttk.Label(root, text="", anchor="w", padding=(8, 3), relief="sunken")
        self.status.pack(side="bottom", fill="x")
        self._panes()
        self._show_no_file()

    # --- building ------------------------------------------------------------------------

    def _style(self) -> None:
        style = ttk.Style(self.root)
        if "clam" in style.theme_names():
            style.theme_use("clam")
        style.configure("Treeview", rowheight=22)
        style.configure("Refused.TButton", foreground="#7a7a7a")

    def _menus(self) -> None:
        bar = tk.Menu(self.root)
        files = tk.Menu(bar, tearoff=False)
        files.add_command(label="New complaints file…", command=self._ask_new)
        files.add_command(label="Open complaints file…", command=self._ask_open)
        files.add_separator()
        files.add_command(label="Quit", command=self.quit, accelerator="Ctrl+Q")
        bar.add_cascade(label="File", menu=files)
        office = tk.Menu(bar, tearoff=False)
        office.add_command(label="Receive a complaint…", command=self.open_receive)
        office.add_command(label="Refused attempts…", command=self.show_refusals)
        office.add_command(label="Refresh", command=self.refresh)
        bar.add_cascade(label="Desk", menu=office)
        self.root.config(menu=bar)

    def _top_bar(self) -> None:
        top = ttk.Frame(self.root, padding=(8, 6))
        top.pack(side="top", fill="x")
        ttk.Label(top, text="Signed in as").pack(side="left")
        self.user_choice = tk.StringVar(self.root)
        self.user_picker = ttk.Combobox(
            top, textvariable=self.user_choice, state="readonly", width=32
        )
        self.user_picker.pack(side="left", padx=(6, 16))
        self.user_picker.bind("<<ComboboxSelected>>", self._user_picked)
        self.receive_button = ttk.Button(
            top, text="Receive a complaint…", command=self.open_receive
        )
        self.receive_button.pack(side="left")
        self.refresh_button = ttk.Button(top, text="Refresh", command=self.refresh)
        self.refresh_button.pack(side="left", padx=6)
        self.open_only = tk.BooleanVar(self.root, value=False)
        ttk.Checkbutton(
            top, text="Open complaints only", variable=self.open_only, command=self.refresh
        ).pack(side="left", padx=6)
        self.file_label = ttk.Label(top, text="", foreground="#555")
        self.file_label.pack(side="right")

    def _panes(self) -> None:
        panes = ttk.Panedwindow(self.root, orient="horizontal")
        panes.pack(side="top", fill="both", expand=True, padx=8)
        left = ttk.Frame(panes)
        right = ttk.Frame(panes, padding=(8, 0, 0, 0))
        panes.add(left, weight=3)
        panes.add(right, weight=2)

        # Panes start at their requested sizes; once the window has its size, give the list
        # room for every column.
        def place_sash(event: tk.Event[ttk.Panedwindow]) -> None:
            if event.width > 1:
                wanted = max(event.width - 600, event.width * 4 // 7)
                panes.sashpos(0, wanted)  # type: ignore[no-untyped-call]  # untyped in typeshed
                panes.unbind("<Configure>")

        panes.bind("<Configure>", place_sash)

        columns = ("received", "complainant", "about", "state", "owner", "sla")
        self.tree = ttk.Treeview(left, columns=columns, show="headings", selectmode="browse")
        widths = (140, 110, 140, 95, 80, 230)
        for name, width in zip(columns, widths, strict=True):
            self.tree.heading(name, text=name.upper() if name == "sla" else name.capitalize())
            self.tree.column(name, width=width, minwidth=60, anchor="w", stretch=name == "sla")
        for level, (background, foreground) in LEVEL_COLOURS.items():
            self.tree.tag_configure(level.value, background=background, foreground=foreground)
        self.tree.pack(side="top", fill="both", expand=True)
        self.tree.bind("<<TreeviewSelect>>", self._row_picked)
        legend = ttk.Frame(left, padding=(0, 4))
        legend.pack(side="top", fill="x")
        for level, words in ((Level.BREACHED, "breached"), (Level.AT_RISK, "at risk")):
            background, foreground = LEVEL_COLOURS[level]
            tk.Label(legend, text=f" {words} ", background=background, foreground=foreground).pack(
                side="left", padx=(0, 6)
            )

        facts = ttk.LabelFrame(right, text="Complaint", padding=6)
        facts.pack(side="top", fill="x")
        self.facts_frame = facts
        actions = ttk.LabelFrame(right, text="What may happen now", padding=6)
        actions.pack(side="top", fill="x", pady=(6, 0))
        self.actions_frame = ttk.Frame(actions)
        self.actions_frame.pack(side="top", fill="x")
        ttk.Label(
            actions,
            text="* not granted to your role: the desk refuses it and records the attempt",
            foreground="#666",
        ).pack(side="top", anchor="w", pady=(4, 0))

        sla = ttk.LabelFrame(right, text="Deadlines", padding=6)
        sla.pack(side="top", fill="x", pady=(6, 0))
        self.sla_tree = ttk.Treeview(
            sla, columns=("target", "state", "due"), show="headings", height=4
        )
        for name, width in (("target", 130), ("state", 110), ("due", 170)):
            self.sla_tree.heading(name, text=name.capitalize())
            self.sla_tree.column(name, width=width, anchor="w")
        for level, (background, foreground) in LEVEL_COLOURS.items():
            self.sla_tree.tag_configure(level.value, background=background, foreground=foreground)
        self.sla_tree.pack(fill="x")

        history = ttk.LabelFrame(right, text="History", padding=6)
        history.pack(side="top", fill="both", expand=True, pady=(6, 6))
        self.history_text = tk.Text(
            history,
            width=60,
            height=8,
            wrap="word",
            relief="flat",
            background="#ffffff",
            font="TkDefaultFont",
            padx=6,
            pady=4,
        )
        scroll = ttk.Scrollbar(history, orient="vertical", command=self.history_text.yview)
        self.history_text.configure(yscrollcommand=scroll.set, state="disabled")
        self.history_text.tag_configure("head", font="TkHeadingFont")
        self.history_text.tag_configure("details", foreground="#444444", lmargin1=16, lmargin2=16)
        scroll.pack(side="right", fill="y")
        self.history_text.pack(side="left", fill="both", expand=True)

    # --- the file ------------------------------------------------------------------------

    def _ask_new(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self.root, defaultextension=".sqlite3", title="New complaints file"
        )
        if path:
            self.open_database(Path(path), create=True)

    def _ask_open(self) -> None:
        path = filedialog.askopenfilename(parent=self.root, title="Open complaints file")
        if path:
            self.open_database(Path(path), create=False)

    def open_database(self, path: Path, *, create: bool | None = None) -> Feedback:
        """Open (or create) a complaints file and show its complaints."""
        feedback = self.presenter.open_database(path, create=create)
        if feedback.ok:
            self.current = None
            self._fill_user_picker()
            self.file_label.config(text=str(self.presenter.database))
            self.refresh()
        self.notify(feedback)
        return feedback

    def _show_no_file(self) -> None:
        self.status.config(text="No complaints file open: use File › New or File › Open.")
        self._clear_detail()

    # --- who is at the desk --------------------------------------------------------------

    def _fill_user_picker(self) -> None:
        staff = self.presenter.staff
        self.user_picker.config(values=[m.label for m in staff])
        if self.presenter.user is not None:
            self.user_choice.set(self.presenter.user.label)

    def _user_picked(self, _event: object = None) -> None:
        for member in self.presenter.staff:
            if member.label == self.user_choice.get():
                self.choose_user(member.actor)

    def choose_user(self, actor: str) -> None:
        """Sign ``actor`` in; the buttons are redrawn for their roles."""
        try:
            self.presenter.select_user(actor)
        except Iso10002Error as error:
            self.notify(explain(error))
            return
        self._fill_user_picker()
        self.status.config(text=f"Signed in as {self.user_choice.get()}")
        if self.current is not None:
            self.select(self.current)

    # --- the list and the detail pane ----------------------------------------------------

    def refresh(self) -> None:
        """Reload the list (and the complaint shown) from the file."""
        if self.presenter.office is None:
            self._show_no_file()
            return
        self.tree.delete(*self.tree.get_children())
        for row in self.presenter.rows(open_only=self.open_only.get()):
            values = (row.received, row.complainant, row.about, row.state, row.owner, row.sla)
            self.tree.insert("", "end", iid=row.id, values=values, tags=(row.level.value,))
        if self.current is not None and self.tree.exists(self.current):
            self.select(self.current)
        else:
            self.current = None
            self._clear_detail()

    def _row_picked(self, _event: object = None) -> None:
        chosen = self.tree.selection()
        if chosen and chosen[0] != self.current:
            self.select(chosen[0])

    def select(self, complaint_id: str) -> ComplaintDetail | None:
        """Show one complaint in the detail pane."""
        try:
            detail = self.presenter.detail(complaint_id)
        except Iso10002Error as error:
            self.notify(explain(error))
            return None
        self.current = complaint_id
        if self.tree.exists(complaint_id) and self.tree.selection() != (complaint_id,):
            self.tree.selection_set(complaint_id)
            self.tree.see(complaint_id)
        self._show_detail(detail)
        return detail

    def _clear_detail(self) -> None:
        self.detail_shown = None
        for child in self.facts_frame.winfo_children():
            child.destroy()
        for child in self.actions_frame.winfo_children():
            child.destroy()
        self.fact_labels.clear()
        self.action_buttons.clear()
        ttk.Label(self.facts_frame, text="Choose a complaint in the list.").grid(sticky="w")
        self.sla_tree.delete(*self.sla_tree.get_children())
        self._write_history([])

    def _show_detail(self, detail: ComplaintDetail) -> None:
        self._clear_detail()
        self.detail_shown = detail
        for child in self.facts_frame.winfo_children():
            child.destroy()
        for row, (name, value) in enumerate(detail.facts):
            ttk.Label(self.facts_frame, text=name, foreground="#555").grid(
                row=row, column=0, sticky="nw", padx=(0, 10)
            )
            label = ttk.Label(self.facts_frame, text=value, wraplength=420, justify="left")
            label.grid(row=row, column=1, sticky="w")
            self.fact_labels[name] = label
        for index, action in enumerate(detail.actions):
            text = action.label + ("" if action.granted else _NOT_GRANTED)
            button = ttk.Button(
                self.actions_frame,
                text=text,
                style="TButton" if action.granted else "Refused.TButton",
                command=functools.partial(self.press, action.event),
            )
            button.grid(
                row=index // _BUTTONS_PER_ROW,
                column=index % _BUTTONS_PER_ROW,
                sticky="ew",
                padx=2,
                pady=2,
            )
            self.action_buttons[action.event] = button
        for line in detail.sla:
            self.sla_tree.insert(
                "", "end", values=(line.target, line.state, line.due), tags=(line.level.value,)
            )
        self._write_history(
            [(f"{item.when}  {item.what} — {item.who}", item.details) for item in detail.history]
        )

    def _write_history(self, entries: Sequence[tuple[str, str]]) -> None:
        text = self.history_text
        text.configure(state="normal")
        text.delete("1.0", "end")
        for head, details in entries:
            text.insert("end", head + "\n", ("head",))
            if details:
                text.insert("end", details + "\n", ("details",))
        text.see("end")  # the latest event
        text.configure(state="disabled")

    def history_lines(self) -> list[str]:
        """The history pane's text, line by line."""
        return self.history_text.get("1.0", "end-1c").splitlines()

    # --- forms and actions ---------------------------------------------------------------

    def open_receive(self) -> FormDialog | None:
        """Open the receipt form."""
        if self.presenter.office is None:
            self.notify(_NO_FILE)
            return None
        form = self.presenter.receive_form()
        return self._dialog(form, lambda values: self.presenter.receive(form, values))

    def press(self, event: str) -> FormDialog | Feedback:
        """Press an action button: open its dialog, or act at once when it asks nothing."""
        shown = self.detail_shown
        if shown is None:
            raise RuntimeError("no complaint is shown")
        complaint_id, version = shown.id, shown.version
        form = self.presenter.action_form(event)

        def send(values: Mapping[str, FormValue]) -> Feedback:
            return self.presenter.perform(complaint_id, event, values, version=version)

        if form is None:
            feedback = send({})
            self._after(feedback)
            return feedback
        return self._dialog(form, send)

    def _dialog(self, form: Form, send: Callable[[dict[str, FormValue]], Feedback]) -> FormDialog:
        dialog = FormDialog(
            self.root,
            form,
            people=list(self.presenter.people()),
            on_submit=send,
            on_done=self._after,
        )
        self.dialogs = [d for d in self.dialogs if d.winfo_exists()] + [dialog]
        return dialog

    def _after(self, feedback: Feedback) -> None:
        if feedback.ok and feedback.complaint_id is not None:
            self.current = feedback.complaint_id
        if feedback.ok or feedback.kind in ("conflict", "refused"):
            self.refresh()
        self.notify(feedback)

    # --- messages ------------------------------------------------------------------------

    def notify(self, feedback: Feedback) -> MessageBox | None:
        """Report what happened: the status bar if it went well, a message box if not."""
        if feedback.ok:
            self.status.config(text=f"{feedback.title}: {feedback.message}")
            return None
        self.status.config(text=f"{feedback.title}: {feedback.message.splitlines()[0]}")
        box = MessageBox(self.root, feedback.title, feedback.message, error=True)
        self.messages = [m for m in self.messages if m.winfo_exists()] + [box]
        return box

    def show_refusals(self) -> MessageBox | None:
        """List the refused attempts since the file was opened."""
        if self.presenter.office is None:
            return self.notify(_NO_FILE)
        lines = self.presenter.refusals()
        text = "\n".join(lines) if lines else "Nobody has been refused anything."
        box = MessageBox(self.root, "Refused attempts", text, error=False)
        self.messages = [m for m in self.messages if m.winfo_exists()] + [box]
        return box

    def quit(self) -> None:
        """Close the file and the window."""
        self.presenter.close()
        self.root.destroy()


def main(argv: Sequence[str] | None = None) -> int:
    """Start the desk: ``run_desk.py [FILE] [--preset ID] [--user ACTOR]``."""
    parser = argparse.ArgumentParser(
        prog="run_desk.py", description="A complaints desk for a small office (iso10002)."
    )
    parser.add_argument(
        "database", nargs="?", type=Path, help="complaints file to open (created if missing)"
    )
    parser.add_argument("--preset", choices=presets.ids(), default=DEFAULT_PRESET)
    parser.add_argument("--user", help="actor id to sign in as, e.g. lead:kim")
    args = parser.parse_args(argv)
    root = tk.Tk()
    window = DeskWindow(root, DeskPresenter(preset=args.preset))
    if args.database is not None:
        window.open_database(args.database)
    if args.user and window.presenter.office is not None:
        window.choose_user(args.user)
    root.mainloop()
    return 0

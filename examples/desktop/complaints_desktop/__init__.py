"""A Tkinter complaints desk for a small office, on iso10002's SQLite store.

Only re-exports: the office (staff, roles, policy, file) is in
:mod:`complaints_desktop.office`, the forms in :mod:`complaints_desktop.forms` and
:mod:`complaints_desktop.actions`, the view-model in :mod:`complaints_desktop.presenter` and
the Tk window in :mod:`complaints_desktop.window` (imported only when a window is wanted).
"""

from complaints_desktop.office import STAFF, Office, StaffMember
from complaints_desktop.presenter import DeskPresenter, Feedback, Level

__all__ = ["STAFF", "DeskPresenter", "Feedback", "Level", "Office", "StaffMember"]

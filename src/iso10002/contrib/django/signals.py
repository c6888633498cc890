"""``complaint_event``: a Django signal for every event stored, sent once the data is committed.

:class:`~iso10002.contrib.django.store.DjangoStore` sends it for each event it writes —
receipt, acknowledgement, decision, closure, erasure, every one — with

* ``sender``: the event's class (:class:`~iso10002.events.Acknowledged`, …), so a receiver
  can listen to one kind only: ``@receiver(complaint_event, sender=Closed)``;
* ``event``: the event itself;
* ``complaint``: the snapshot just after that event (two events stored together, such as
  an acknowledgement and an assessment in one step, give two signals, each with its own);
* ``using``: the database alias.

It is sent from ``transaction.on_commit``: only after the transaction that stored the event
commits (the host's own ``atomic()`` block, when the store ran inside one), and never for
one that rolled back — so a receiver sends the e-mail or queues the job only for what was
really recorded. Receivers run with ``send_robust``: one that raises is logged (by Django, on
the ``django.dispatch`` logger) and neither undoes the write nor stops the other receivers.

In tests that wrap each test in a transaction (``TestCase``, pytest-django's ``db``), the
signals are sent only inside ``captureOnCommitCallbacks(execute=True)``
(``django_capture_on_commit_callbacks`` in pytest-django).

Examples:
    >>> from iso10002.contrib.django.store import DjangoStore
    >>> from iso10002.events import Acknowledged
    >>> from iso10002.testing.builders import history_to
    >>> heard = []
    >>> def on_acknowledged(sender, event, complaint, using, **kwargs):
    ...     heard.append((complaint.id, complaint.state.value, using))
    >>> complaint_event.connect(on_acknowledged, sender=Acknowledged)
    >>> _ = DjangoStore().create(history_to("assessed"))
    >>> heard
    [('C-0001', 'acknowledged', 'default')]
    >>> complaint_event.disconnect(on_acknowledged, sender=Acknowledged)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.dispatch import Signal

from iso10002.events import Event
from iso10002.model import Complaint
from iso10002.replay import apply

__all__ = ["complaint_event", "send_on_commit"]

complaint_event = Signal()
"""Sent once per stored event after commit: ``sender`` the event's class; ``event``,
``complaint`` (the snapshot just after it) and ``using`` (the database alias)."""


def send_on_commit(
    using: str, before: Complaint | None, events: Sequence[Event], after: Complaint
) -> None:
    """Have :data:`complaint_event` sent for each of ``events`` when ``using`` commits.

    ``before`` is the snapshot the events were folded onto (``None`` for a new complaint)
    and ``after`` the snapshot they led to; the snapshots in between are folded here. Call
    it inside the transaction that writes the events (the store does).

    Examples:
        >>> from django.db import transaction
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import history_to
        >>> events = history_to("acknowledged")
        >>> states = []
        >>> def note(sender, complaint, **kwargs):
        ...     states.append(complaint.state.value)
        >>> complaint_event.connect(note)
        >>> with transaction.atomic():
        ...     send_on_commit("default", None, events, replay(events))
        ...     states  # nothing yet: the transaction has not committed
        []
        >>> states
        ['received', 'acknowledged']
        >>> complaint_event.disconnect(note)
        True
    """
    if not events:
        return
    snapshots: list[Complaint] = []
    current = before
    for event in events[:-1]:
        # Already validated by whoever stored them: fold, do not check again.
        current = apply(current, [event], check=False)
        snapshots.append(current)
    snapshots.append(after)
    announced = tuple(zip(events, snapshots, strict=True))

    def send() -> None:
        for event, complaint in announced:
            complaint_event.send_robust(type(event), event=event, complaint=complaint, using=using)

    transaction.on_commit(send, using=using)

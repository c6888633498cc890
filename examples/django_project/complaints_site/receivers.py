"""What the site does when the desk has stored an event: here, e-mail a receipt.

Connected to ``complaint_event`` for :class:`~iso10002.events.Received` only; the signal is
sent after the transaction commits, so nobody is told of a complaint that was not stored.
The formal acknowledgement (ISO 10002 7.4) stays a handler's step on the complaint page.
"""

from __future__ import annotations

from django.core.mail import send_mail

from iso10002.events import Event
from iso10002.model import Complaint


def email_receipt(sender: type[Event], complaint: Complaint, **_: object) -> None:
    """Tell a complainant who gave an e-mail address that their complaint arrived."""
    person = complaint.complainant
    if person is None or not person.contact.email:
        return
    send_mail(
        subject=f"We have your complaint {complaint.id}",
        message=(
            f"Dear {person.name},\n\nwe received your complaint about your "
            f"{complaint.classification.product} and will acknowledge it shortly. "
            f"Your reference is {complaint.id}.\n"
        ),
        from_email=None,
        recipient_list=[person.contact.email],
    )

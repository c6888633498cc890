"""Helpers of the example site's tests (fixtures are in ``conftest.py``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from django.test import Client

from iso10002.model import Channel, Classification, Complainant, Complaint, ContactDetails

START = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
"""When the tests' clock starts: a Monday morning."""


def signed_in(user: Any) -> Client:
    """A test client with ``user`` signed in."""
    client = Client()
    client.force_login(user)
    return client


def received(description: str = "Charged twice for the March statement fee.") -> Complaint:
    """A complaint received through the web form."""
    from iso10002.contrib.django import get_desk

    return get_desk().receive(
        actor="web-form",
        channel=Channel.WEB,
        complainant=Complainant(name="Jo Bloggs", contact=ContactDetails(email="jo@example.org")),
        description=description,
        classification=Classification(product="credit card"),
    )


def assigned_to(username: str, complaint: Complaint) -> Complaint:
    """``complaint`` given to ``username`` by Kim, the lead."""
    from iso10002.contrib.django import get_desk

    return get_desk().assign(complaint.id, actor="user:kim", assignee=f"user:{username}")

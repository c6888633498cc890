"""The site's forms: a complaint as the public (or a handler on the phone) gives it."""

from __future__ import annotations

import uuid

from django import forms

from iso10002.model import Channel

PRODUCTS = [
    ("current account", "Current account"),
    ("credit card", "Credit card"),
    ("mortgage", "Mortgage"),
    ("insurance", "Insurance"),
    ("other", "Something else"),
]


class ComplaintForm(forms.Form):
    """What the intake form asks. ``submission`` makes a form posted twice one complaint."""

    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(required=False, label="Email (to hear back from us)")
    product = forms.ChoiceField(choices=PRODUCTS, label="What is it about?")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, label="What went wrong?"
    )
    submission = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)


class StaffComplaintForm(ComplaintForm):
    """A complaint a member of staff records: they also say how it reached them (7.2)."""

    channel = forms.ChoiceField(
        choices=[(c.value, c.value.replace("_", " ")) for c in Channel], initial="phone"
    )


class ActionForm(forms.Form):
    """One step on a complaint page: which action, and what to say or whom to assign."""

    action = forms.ChoiceField(
        choices=[
            ("acknowledge", "Acknowledge"),
            ("assign", "Assign to (a username)"),
            ("record_progress", "Tell the complainant how it stands"),
            ("add_note", "Add an internal note"),
        ]
    )
    text = forms.CharField(required=False, max_length=5000)
    assignee = forms.CharField(required=False, max_length=150)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

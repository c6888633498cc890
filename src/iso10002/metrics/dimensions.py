"""The dimensions complaints are broken down by: product, channel, category, handler, ….

A dimension is a function from a complaint to a group label (a string). :data:`DIMENSIONS`
names the built-in ones; :func:`dimension` turns a name or a callable into such a function.
Missing values get a visible label (``"(none)"``, ``"(unassigned)"``) rather than vanishing,
so a breakdown's counts always add up to the total.

Examples:
    >>> from iso10002.testing.builders import complaint_in
    >>> c = complaint_in("closed")
    >>> dimension("channel")(c), dimension("handler")(c) == (c.assignee or "(unassigned)")
    ('email', True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from iso10002.errors import ValidationError
from iso10002.model import Complaint

__all__ = ["DIMENSIONS", "Dimension", "dimension"]

Dimension = Callable[[Complaint], str]
"""A function from a complaint to the label of its group."""

NONE = "(none)"


def _product(c: Complaint) -> str:
    return c.classification.product


def _sub_product(c: Complaint) -> str:
    return c.classification.sub_product or NONE


def _category(c: Complaint) -> str:
    return c.classification.category or NONE


def _issue(c: Complaint) -> str:
    return c.classification.issue or NONE


def _channel(c: Complaint) -> str:
    return c.channel.value


def _handler(c: Complaint) -> str:
    return c.assignee or "(unassigned)"


def _severity(c: Complaint) -> str:
    return c.severity.value if c.severity is not None else NONE


def _complaint_type(c: Complaint) -> str:
    return c.complaint_type


def _root_cause(c: Complaint) -> str:
    return c.root_cause.category if c.root_cause is not None else NONE


DIMENSIONS: Mapping[str, Dimension] = {
    "product": _product,
    "sub_product": _sub_product,
    "category": _category,
    "issue": _issue,
    "channel": _channel,
    "handler": _handler,  # the assignee: the person accountable (ISO 10002 4.12)
    "severity": _severity,
    "complaint_type": _complaint_type,
    "root_cause": _root_cause,
}
"""Built-in dimensions by name. ``handler`` is the complaint's current assignee."""


def dimension(by: str | Dimension) -> Dimension:
    """The group function for ``by``: a name from :data:`DIMENSIONS`, or a callable as is.

    Examples:
        >>> dimension("colour")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - by: 'colour' is not a dimension; use one of category, channel, ...
    """
    if callable(by):
        return by
    found = DIMENSIONS.get(by)
    if found is None:
        names = ", ".join(sorted(DIMENSIONS))
        raise ValidationError([f"by: {by!r} is not a dimension; use one of {names}, or a function"])
    return found

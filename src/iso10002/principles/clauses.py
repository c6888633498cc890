"""The guiding principles of ISO 10002:2018 and the clause numbers the checks cite: one table.

The full text of ISO 10002:2018 was not available when this table was written. The 2018
list of guiding principles (clause 4) is known only in part: 4.2 *Commitment* is confirmed
from a published table of contents; every other 2018 number is **UNCONFIRMED**, inferred from
the sibling standards revised at the same time (ISO 10001, 10003, 10004:2018). The headings
of clauses 5 to 8 are confirmed for the 2004 edition only; their 2018 numbers are
**UNCONFIRMED** too. Each row says which, and where the number comes from.

To correct a number, edit its row here: every check, finding, report and checklist reads
its clause from this module.

Examples:
    >>> PRINCIPLES[Principle.OBJECTIVITY].number, PRINCIPLES[Principle.OBJECTIVITY].confirmation
    ('4.7', <Confirmation.UNCONFIRMED: 'unconfirmed'>)
    >>> clause("7.9").title
    'Closing the complaint'
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

import attrs

__all__ = [
    "CLAUSES",
    "PRINCIPLES",
    "Clause",
    "Confirmation",
    "Principle",
    "clause",
    "clause_sort_key",
]


class Principle(str, Enum):
    """The guiding principles of ISO 10002:2018, clause 4 (list partly UNCONFIRMED).

    Examples:
        >>> Principle("objectivity").heading
        'Objectivity'
    """

    COMMITMENT = "commitment"
    CAPABILITY = "capability"
    TRANSPARENCY = "transparency"
    ACCESSIBILITY = "accessibility"
    RESPONSIVENESS = "responsiveness"
    OBJECTIVITY = "objectivity"
    CHARGES = "charges"
    INFORMATION_INTEGRITY = "information_integrity"
    CONFIDENTIALITY = "confidentiality"
    CUSTOMER_FOCUSED_APPROACH = "customer_focused_approach"
    ACCOUNTABILITY = "accountability"
    IMPROVEMENT = "improvement"
    COMPETENCE = "competence"
    TIMELINESS = "timeliness"

    @property
    def heading(self) -> str:
        """The principle's heading, as the table gives it.

        Examples:
            >>> Principle.INFORMATION_INTEGRITY.heading
            'Information integrity'
        """
        return PRINCIPLES[self].title


class Confirmation(str, Enum):
    """Whether a clause number was checked against the standard's published structure.

    Examples:
        >>> clause("4.2").confirmation is Confirmation.CONFIRMED
        True
    """

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


@attrs.frozen
class Clause:
    """One clause of ISO 10002:2018: its number, heading, and how sure the number is.

    ``edition_2014`` is the same provision's number in ISO 10002:2004/2014 (confirmed), where
    there is one; ``source`` says where the 2018 number comes from.

    Examples:
        >>> row = clause("4.10")
        >>> row.title, row.edition_2014, row.mark
        ('Confidentiality', '4.7', 'UNCONFIRMED')
    """

    number: str
    title: str
    confirmation: Confirmation
    source: str
    edition_2014: str | None = None

    @property
    def mark(self) -> str:
        """``""`` for a confirmed number, ``"UNCONFIRMED"`` otherwise (for tables and texts).

        Examples:
            >>> clause("4.2").mark, clause("4.3").mark
            ('', 'UNCONFIRMED')
        """
        return "" if self.confirmation is Confirmation.CONFIRMED else "UNCONFIRMED"


_U = Confirmation.UNCONFIRMED
_C = Confirmation.CONFIRMED
_SIBLINGS = "inferred from the ISO 10001/10003/10004:2018 principle lists"
_HLS = "high-level structure, as ISO 10003:2018"
_HEADINGS_2004 = "2004 heading (confirmed); 2018 number expected unchanged"

# ISO 10002:2018 clause 4, as reference/regimes.md A.2 gives it. Only 4.2 is confirmed.
PRINCIPLES: Mapping[Principle, Clause] = MappingProxyType(
    {
        Principle.COMMITMENT: Clause(
            "4.2", "Commitment", _C, "2018 table of contents (whittingtonassociates)"
        ),
        Principle.CAPABILITY: Clause("4.3", "Capability", _U, _SIBLINGS),
        Principle.TRANSPARENCY: Clause(
            "4.4", "Transparency", _U, _SIBLINGS + "; replaces Visibility", "4.2"
        ),
        Principle.ACCESSIBILITY: Clause("4.5", "Accessibility", _U, _SIBLINGS, "4.3"),
        Principle.RESPONSIVENESS: Clause("4.6", "Responsiveness", _U, _SIBLINGS, "4.4"),
        Principle.OBJECTIVITY: Clause("4.7", "Objectivity", _U, _SIBLINGS, "4.5"),
        Principle.CHARGES: Clause("4.8", "Charges", _U, _SIBLINGS, "4.6"),
        Principle.INFORMATION_INTEGRITY: Clause("4.9", "Information integrity", _U, _SIBLINGS),
        Principle.CONFIDENTIALITY: Clause("4.10", "Confidentiality", _U, _SIBLINGS, "4.7"),
        Principle.CUSTOMER_FOCUSED_APPROACH: Clause(
            "4.11", "Customer-focused approach", _U, _SIBLINGS, "4.8"
        ),
        Principle.ACCOUNTABILITY: Clause("4.12", "Accountability", _U, _SIBLINGS, "4.9"),
        Principle.IMPROVEMENT: Clause(
            "4.13", "Improvement", _U, _SIBLINGS + "; was Continual improvement", "4.10"
        ),
        Principle.COMPETENCE: Clause("4.14", "Competence", _U, _SIBLINGS),
        Principle.TIMELINESS: Clause("4.15", "Timeliness", _U, _SIBLINGS),
    }
)
"""Each principle's clause in ISO 10002:2018 (all UNCONFIRMED but 4.2)."""

# Clauses 5 to 8 that the checks cite or the API implements (CLAUSE_MAP). The 2018 numbers
# of clauses 5 and 6 follow the high-level structure (as ISO 10003:2018 does) and are
# UNCONFIRMED; clauses 7 and 8 keep their 2004 headings, confirmed for 2004 only. (One
# survey, reference/peers.md section 4, numbers the 2018 process as clauses 8 and 9
# instead: another reason to keep these marks.)
_PROCESS = (
    Clause("5.1", "Context of the organization", _U, _HLS),
    Clause(
        "5.2", "Leadership and commitment", _U, "high-level structure, as ISO 10003:2018", "5.1"
    ),
    Clause(
        "5.3", "Complaints-handling policy", _U, "high-level structure, as ISO 10003:2018", "5.2"
    ),
    Clause("5.4", "Responsibility and authority", _U, "high-level structure", "5.3"),
    Clause("6.1", "General", _U, _HEADINGS_2004, "6.1"),
    Clause("6.2", "Objectives", _U, _HEADINGS_2004, "6.2"),
    Clause("6.3", "Activities", _U, _HEADINGS_2004, "6.3"),
    Clause("6.4", "Resources", _U, _HEADINGS_2004, "6.4"),
    Clause("7.1", "Communication", _U, _HEADINGS_2004, "7.1"),
    Clause("7.2", "Receipt of complaint", _U, _HEADINGS_2004, "7.2"),
    Clause("7.3", "Tracking of complaint", _U, _HEADINGS_2004, "7.3"),
    Clause("7.4", "Acknowledgement of complaint", _U, _HEADINGS_2004, "7.4"),
    Clause("7.5", "Initial assessment of complaint", _U, _HEADINGS_2004, "7.5"),
    Clause("7.6", "Investigation of complaints", _U, _HEADINGS_2004, "7.6"),
    Clause("7.7", "Response to complaints", _U, _HEADINGS_2004, "7.7"),
    Clause("7.8", "Communicating the decision", _U, _HEADINGS_2004, "7.8"),
    Clause("7.9", "Closing the complaint", _U, _HEADINGS_2004, "7.9"),
    Clause("8.1", "Collection of information", _U, _HEADINGS_2004, "8.1"),
    Clause("8.2", "Analysis and evaluation of complaints", _U, _HEADINGS_2004, "8.2"),
    Clause("8.3", "Satisfaction with the complaints-handling process", _U, _HEADINGS_2004, "8.3"),
    Clause("8.4", "Monitoring of the complaints-handling process", _U, _HEADINGS_2004, "8.4"),
    Clause("8.5", "Auditing of the complaints-handling process", _U, _HEADINGS_2004, "8.5"),
    Clause(
        "8.6", "Management review of the complaints-handling process", _U, _HEADINGS_2004, "8.6"
    ),
    Clause("8.7", "Continual improvement", _U, _HEADINGS_2004, "8.7"),
)

CLAUSES: Mapping[str, Clause] = MappingProxyType(
    {c.number: c for c in (*PRINCIPLES.values(), *_PROCESS)}
)
"""Every clause the table knows, by number: the principles of clause 4 and clauses 5 to 8."""


def clause(number: str) -> Clause:
    """The table's row for clause ``number``; ``KeyError`` for a number it does not know.

    Examples:
        >>> clause("8.5").title
        'Auditing of the complaints-handling process'
    """
    return CLAUSES[number]


def clause_sort_key(number: str) -> tuple[int, tuple[int, ...], str]:
    """Sort clause numbers as the standard orders them (4.9 before 4.10); others last.

    Examples:
        >>> sorted(["4.10", "7.2", "4.9", "DISP 1.3.1AR"], key=clause_sort_key)
        ['4.9', '4.10', '7.2', 'DISP 1.3.1AR']
    """
    parts = number.split(".")
    if all(part.isdigit() for part in parts):
        return (0, tuple(int(part) for part in parts), "")
    return (1, (), number)

"""The reference tables of the import and export docs, rendered from the code.

The docs build (``docs/hooks.py``) replaces each placeholder of :func:`reference_tables` with
its table, so the pages say what the mapping and the export do, never what they once did.

Examples:
    >>> tables = reference_tables()
    >>> print(tables["{{ cfpb_responses }}"].splitlines()[2])
    | Closed with explanation | decision `not_upheld`, communicated, closed |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from iso10002.metrics.exports import CFPB_EXPORT_NOTES
from iso10002.metrics.import_cfpb import CFPB_COLUMNS, CFPB_NOTES, CFPB_RESPONSES
from iso10002.metrics.import_mapping import DATE_FORMATS, Resolution

__all__ = ["reference_tables"]


def _table(header: tuple[str, str], rows: Iterable[tuple[str, str]]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {left} | {right} |" for left, right in rows]
    return "\n".join(lines)


def _resolution(resolution: Resolution | None) -> str:
    if resolution is None:
        return "nothing after receipt: the complaint stays `received`"
    if resolution.holding:
        return "acknowledged, and a holding response promising the end of the 60th day"
    assert resolution.outcome is not None
    text = f"decision `{resolution.outcome.value}`"
    if resolution.redress is not None:
        text += f" with a `{resolution.redress.value}` redress of zero"
    return text + ", communicated" + (", closed" if resolution.close else "")


def reference_tables() -> Mapping[str, str]:
    """Each docs placeholder and the Markdown table that replaces it."""
    return {
        "{{ cfpb_import_columns }}": _table(
            ("CFPB column", "becomes"), ((c, CFPB_NOTES[c]) for c in CFPB_COLUMNS)
        ),
        "{{ cfpb_responses }}": _table(
            ("Company response to consumer", "history after receipt"),
            ((value or "(empty)", _resolution(r)) for value, r in CFPB_RESPONSES.items()),
        ),
        "{{ cfpb_export_columns }}": _table(
            ("column", "written from"), ((c, CFPB_EXPORT_NOTES[c]) for c in CFPB_COLUMNS)
        ),
        "{{ import_date_formats }}": _table(
            ("format", "accepts"), ((f"`{name}`", text) for name, text in DATE_FORMATS.items())
        ),
    }

"""Learning from complaints: metrics, regulatory returns, reports, imports and exports.

This package only re-exports; each name lives in its own module.
"""

from iso10002.metrics.exports import CFPB_EXPORT_COLUMNS, export_cfpb
from iso10002.metrics.import_cfpb import CFPB
from iso10002.metrics.import_mapping import (
    Assessment,
    Choice,
    Column,
    ComplainantColumns,
    DateColumn,
    ImportMapping,
    Resolution,
    Response,
    RowRefused,
    Text,
)
from iso10002.metrics.imports import ImportReport, RowProblem, import_complaints

__all__ = [
    "CFPB",
    "CFPB_EXPORT_COLUMNS",
    "Assessment",
    "Choice",
    "Column",
    "ComplainantColumns",
    "DateColumn",
    "ImportMapping",
    "ImportReport",
    "Resolution",
    "Response",
    "RowProblem",
    "RowRefused",
    "Text",
    "export_cfpb",
    "import_complaints",
]

"""Learning from complaints: metrics, regulatory returns, reports, imports and exports.

This package only re-exports; each name lives in its own module.
"""

from iso10002.metrics.dimensions import DIMENSIONS, Dimension, dimension
from iso10002.metrics.exports import CFPB_EXPORT_COLUMNS, export_cfpb
from iso10002.metrics.figures import RootCauseShare, SatisfactionSummary, SlaCompliance, TrendPoint
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
from iso10002.metrics.period import Period
from iso10002.metrics.returns import (
    ASIC_IDR_COLUMNS,
    FCA_RETURN_COLUMNS,
    AsicIdrRow,
    FcaReturn,
    FcaReturnRow,
    asic_idr_rows,
    asic_reporting_period,
    asic_submission_window,
    fca_reporting_period,
    fca_return,
    write_asic_idr_csv,
)
from iso10002.metrics.stats import DurationAccumulator, DurationStats
from iso10002.metrics.summary import (
    AGE_BUCKETS,
    CLOSED_WITHIN,
    MetricSummary,
    breakdown,
    summarize,
)

__all__ = [
    "AGE_BUCKETS",
    "ASIC_IDR_COLUMNS",
    "CFPB",
    "CFPB_EXPORT_COLUMNS",
    "CLOSED_WITHIN",
    "DIMENSIONS",
    "FCA_RETURN_COLUMNS",
    "AsicIdrRow",
    "Assessment",
    "Choice",
    "Column",
    "ComplainantColumns",
    "DateColumn",
    "Dimension",
    "DurationAccumulator",
    "DurationStats",
    "FcaReturn",
    "FcaReturnRow",
    "ImportMapping",
    "ImportReport",
    "MetricSummary",
    "Period",
    "Resolution",
    "Response",
    "RootCauseShare",
    "RowProblem",
    "RowRefused",
    "SatisfactionSummary",
    "SlaCompliance",
    "Text",
    "TrendPoint",
    "asic_idr_rows",
    "asic_reporting_period",
    "asic_submission_window",
    "breakdown",
    "dimension",
    "export_cfpb",
    "fca_reporting_period",
    "fca_return",
    "import_complaints",
    "summarize",
    "write_asic_idr_csv",
]

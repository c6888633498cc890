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
from iso10002.metrics.pushdown import FactsSource, summarize_facts, summarize_store
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
    "CFPB",
    "CFPB_EXPORT_COLUMNS",
    "CLOSED_WITHIN",
    "DIMENSIONS",
    "Assessment",
    "Choice",
    "Column",
    "ComplainantColumns",
    "DateColumn",
    "Dimension",
    "DurationAccumulator",
    "DurationStats",
    "FactsSource",
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
    "breakdown",
    "dimension",
    "export_cfpb",
    "import_complaints",
    "summarize",
    "summarize_facts",
    "summarize_store",
]

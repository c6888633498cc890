"""Learning from complaints: metrics, regulatory returns, reports, imports and exports.

This package only re-exports; each name lives in its own module.
"""

from iso10002.metrics.charts import bar_chart, histogram, line_chart, pareto_chart
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
from iso10002.metrics.imports import ImportReport, RowProblem, WorkerStopped, import_complaints
from iso10002.metrics.period import Period
from iso10002.metrics.pushdown import (
    PUSHDOWN_DIMENSIONS,
    FactsSource,
    summarize_facts,
    summarize_store,
)
from iso10002.metrics.report import (
    RESOLUTION_BANDS,
    ConformanceSummary,
    KeyFigure,
    ManagementReview,
    ReviewFormat,
    management_review,
    review_format,
    review_store,
    write_review,
)
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
    "PUSHDOWN_DIMENSIONS",
    "RESOLUTION_BANDS",
    "AsicIdrRow",
    "Assessment",
    "Choice",
    "Column",
    "ComplainantColumns",
    "ConformanceSummary",
    "DateColumn",
    "Dimension",
    "DurationAccumulator",
    "DurationStats",
    "FactsSource",
    "FcaReturn",
    "FcaReturnRow",
    "ImportMapping",
    "ImportReport",
    "KeyFigure",
    "ManagementReview",
    "MetricSummary",
    "Period",
    "Resolution",
    "Response",
    "ReviewFormat",
    "RootCauseShare",
    "RowProblem",
    "RowRefused",
    "SatisfactionSummary",
    "SlaCompliance",
    "Text",
    "TrendPoint",
    "WorkerStopped",
    "asic_idr_rows",
    "asic_reporting_period",
    "asic_submission_window",
    "bar_chart",
    "breakdown",
    "dimension",
    "export_cfpb",
    "fca_reporting_period",
    "fca_return",
    "histogram",
    "import_complaints",
    "line_chart",
    "management_review",
    "pareto_chart",
    "review_format",
    "review_store",
    "summarize",
    "summarize_facts",
    "summarize_store",
    "write_asic_idr_csv",
    "write_review",
]

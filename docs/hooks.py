"""MkDocs hooks: pages that are generated from the code at build time.

``{{ lifecycle_diagram }}`` and ``{{ lifecycle_table }}`` are replaced by renderings of
``ComplaintLifecycle``, so the diagram in the docs can never drift from the class;
``{{ sla_presets_table }}`` by the table of SLA presets with their sources;
``{{ clauses_table }}`` and ``{{ audit_checklist }}`` by the principles' clause table and the
checklist of the registered checks; ``{{ clause_map_table }}`` by the standard mapped to the
API; ``{{ flask_problems_table }}`` by the Flask extension's
error-to-status table; ``{{ cli_commands_table }}`` by the command line's commands and exit
codes, read from its parser; the import and export reference tables by
``iso10002.metrics.import_docs``.
"""

from __future__ import annotations

from typing import Any

from iso10002._cli_help import commands_table
from iso10002.cli import _parser
from iso10002.contrib.flask.problems import problem_table
from iso10002.lifecycle import rules_table, state_diagram
from iso10002.metrics.import_docs import reference_tables
from iso10002.principles import audit_checklist, clause_map_table, clauses_table
from iso10002.sla.presets import markdown_table


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Expand the generated blocks."""
    for placeholder, table in reference_tables().items():  # imports and exports
        markdown = markdown.replace(placeholder, table)
    return (
        markdown.replace("{{ lifecycle_diagram }}", state_diagram())
        .replace("{{ lifecycle_table }}", rules_table())
        .replace("{{ sla_presets_table }}", markdown_table())
        .replace("{{ clauses_table }}", clauses_table())
        .replace("{{ clause_map_table }}", clause_map_table())
        .replace("{{ audit_checklist }}", audit_checklist().to_markdown())
        .replace("{{ flask_problems_table }}", problem_table())
        .replace("{{ cli_commands_table }}", commands_table(_parser()))
    )

"""Audit of a report written by hand: every computable statement it makes, checked.

:func:`docgen.audit.report.audit_report` reads a report (.docx, .pdf, .txt, .md; the
reading is in :mod:`docgen.audit.reading`, the only module that opens those formats here)
and checks its paragraphs and tables with :mod:`docgen.claims.statements`, against a
dossier's computed round when one is given and within the text in any case.
"""

from docgen.audit.report import audit_report, facts_of, summary_counts

__all__ = ["audit_report", "facts_of", "summary_counts"]

"""Audit one report: read it, check every computable statement, count the verdicts.

With a dossier, statements are checked against its computed round (and its previous
round, for "so với năm …"); without one, only within the text (a fraction and its
percentage, shares adding up to 100, the number of names listed), and every statement
about the data is "không kiểm tra được" for want of data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from docgen.audit.reading import read_report
from docgen.claims.facts import Facts
from docgen.claims.statements import RIGHT, UNKNOWN, WRONG, Finding, check_passages
from docgen.compute.compare import compare_rounds
from docgen.compute.results import compute_round
from docgen.model.dossier import Dossier


def facts_of(dossier: Dossier | None, previous: Dossier | None = None) -> Facts:
    """The computed figures of `dossier` (none without it), compared with `previous` or
    the previous round its loader read."""
    if dossier is None:
        return Facts()
    result = compute_round(dossier)
    previous = previous if previous is not None else dossier.previous_round
    comparison = None
    if previous is not None:
        mapping = dossier.previous.mapping if dossier.previous is not None else {}
        comparison = compare_rounds(result, compute_round(previous), previous.year, mapping)
    return Facts.of(dossier, result, comparison)


def audit_report(data: bytes, name: str, dossier: Dossier | None = None,
                 previous: Dossier | None = None) -> list[Finding]:
    """Return a finding for every computable statement of the report `data` (file name
    `name`: .docx, .pdf, .txt or .md), in the order of the text, tables last."""
    text = read_report(data, name)
    return check_passages(text.passages, facts_of(dossier, previous), text.tables)


def summary_counts(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings have each verdict, in the order đúng, sai, không kiểm tra được."""
    counts = Counter(f.verdict for f in findings)
    return {verdict: counts.get(verdict, 0) for verdict in (RIGHT, WRONG, UNKNOWN)}

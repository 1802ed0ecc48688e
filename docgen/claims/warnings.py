"""Every warning about a round, each once, in one place for the CLI and the service.

What a sheet states against the computed figures (:mod:`docgen.claims.check`), probable
renames against last year (:mod:`docgen.claims.renames`) and the numbers typed in the
narrative (:mod:`docgen.claims.narrative`, the wrong ones) are collected here, so that ``check``,
``render``, ``export``, ``import`` and the service say the same thing, and a warning
reached by two paths is printed once.
"""

from __future__ import annotations

from collections.abc import Sequence

from docgen.claims.check import check_claims
from docgen.claims.facts import Facts
from docgen.claims.narrative import narrative_warnings
from docgen.claims.renames import rename_warnings
from docgen.compute.compare import RoundComparison
from docgen.compute.results import RoundResult
from docgen.model.dossier import ATTACHED_DOCUMENTS, Dossier
from docgen.model.sources import SheetClaims


def unique(lines: Sequence[str]) -> list[str]:
    """Return `lines` without repeats, in their first order.

    >>> unique(["a", "b", "a"])
    ['a', 'b']
    """
    return list(dict.fromkeys(lines))


def round_warnings(dossier: Dossier, result: RoundResult, sheets: Sequence[SheetClaims],
                   comparison: RoundComparison | None, source: str) -> list[str]:
    """Return the warnings of a computed round (without the "Cảnh báo: " prefix)."""
    lines = [d.message for d in check_claims(result, sheets)]
    lines += rename_warnings(comparison, source, dossier.year)
    lines += narrative_warnings(dossier, Facts.of(dossier, result, comparison), source)
    lines += attachment_warnings(dossier, source)
    return unique(lines)


def attachment_warnings(dossier: Dossier, source: str) -> list[str]:
    """The attached documents that Điều typed by staff (``quyết định › điều``) never name.

    The template's own Điều 1 always names each of them; Điều written in the dossier are
    printed as typed, so a Quyết định could otherwise announce a Báo cáo and a Phụ lục it
    does not mention.
    """
    articles = dossier.decision.articles
    if not articles:
        return []
    text = " ".join(articles).lower()
    missing = [name for name in ATTACHED_DOCUMENTS if name.lower() not in text]
    if not missing:
        return []
    return [f"{source}: quyết định › điều: không Điều nào nhắc đến {' và '.join(missing)} "
            "kèm theo Quyết định; ghi vào Điều 1, ví dụ “(có Báo cáo, Phụ lục kết quả kèm "
            "theo)”"]

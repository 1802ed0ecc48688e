"""Build the template context: computed figures and dossier facts, formatted as text.

Input: a :class:`Dossier` and its :class:`RoundResult`. Output: one plain dict (strings,
lists, dicts, booleans) described in `docs/context.md`. Formatting happens here once, so
the DOCX and the PDF, which read the same dict, say the same thing; the wording around
the values lives in the templates, except the clauses on last year's figures that
:mod:`docgen.context.analytics` chooses.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from docgen import formatting as fmt
from docgen.compute.compare import RoundComparison
from docgen.compute.results import BlockResult, RoundResult
from docgen.context.analytics import Numbering, band_change_text, block_analytics
from docgen.model.dossier import (ATTACHED_DOCUMENTS, Citation, Decision, Dossier, Point,
                                  Signer, Subsection)
from docgen.model.rules import parse_date

#: The blank left for the number in a draft ("Số:        /QĐ-UBND").
NUMBER_BLANK = "\u00a0" * 8
_TRAILING = re.compile(r"[\s;.,]+$")

Context = dict[str, Any]


def decision_date(decision: Decision) -> tuple[int | None, int | None, int | None]:
    """Return (year, month, day) of the decision; parts not yet known are None."""
    if not decision.date:
        return None, None, None
    return parse_date(decision.date)


#: Điều 3 of a draft whose dossier does not yet say who carries the decision out (an issued
#: decision cannot lack them: see docgen.model.rules).
MISSING_EXECUTORS = "[bổ sung mục “tổ chức thực hiện” của quyết định trong hồ sơ]"


def is_final(dossier: Dossier) -> bool:
    """Return True when the decision has its number and its full date."""
    year, month, day = decision_date(dossier.decision)
    return dossier.decision.number is not None and day is not None


def created_at(dossier: Dossier) -> datetime | None:
    """Return the timestamp written into file metadata: the decision's date, never now.

    None while the decision has no day (a draft dated "2025-12", or undated): the files
    then carry no creation date rather than an invented one (the 1st).
    """
    year, month, day = decision_date(dossier.decision)
    if year is None or month is None or day is None:
        return None
    return datetime(year, month, day)


def build_context(dossier: Dossier, result: RoundResult, *, draft: bool,
                  comparison: RoundComparison | None = None) -> Context:
    """Return the context of all three documents of `dossier`; with `comparison`, the
    blocks also carry the year-over-year lines."""
    scheme = dossier.scheme
    decision_reference = _decision_reference(dossier)
    place = (dossier.issuer.place,)
    attachment_line = fmt.keep_together(f"(Kèm theo {decision_reference})", place)
    blocks = [_block(b, i, dossier) for i, b in enumerate(result.blocks, start=1)]
    _add_analytics(blocks, dossier, result, comparison)
    return {
        "draft": draft,
        "year": str(dossier.year),
        "subject": fmt.keep_together(dossier.subject, place),
        "max_total": fmt.format_plain(scheme.max_total),
        "issuer": {
            "parent_lines": list(dossier.issuer.parent),
            "name_lines": list(dossier.issuer.name),
            "authority": dossier.issuer.authority,
            "authority_name": dossier.issuer.authority_name,
        },
        "decision": _decision(dossier, decision_reference),
        "report": _report(dossier, attachment_line, draft),
        "appendix": {"title_lines": [fmt.keep_together(line, place)
                                     for line in dossier.appendix_title],
                     "attachment_line": attachment_line},
        "components": [{"name": c.name, "max": fmt.format_plain(c.max)} for c in scheme.components],
        "blocks": blocks,
        "survey": _survey(dossier, result),
    }


def _number_and_symbol(dossier: Dossier) -> str:
    """Return "94/QĐ-UBND", or the blank of a draft before "/QĐ-UBND"."""
    number = dossier.decision.number
    shown = fmt.format_count(number) if number is not None else NUMBER_BLANK
    return f"{shown}/QĐ-{dossier.issuer.abbreviation}"


def _number_line(dossier: Dossier) -> str:
    return f"Số: {_number_and_symbol(dossier)}"


def _decision_reference(dossier: Dossier) -> str:
    shown = _number_and_symbol(dossier)
    year, month, day = decision_date(dossier.decision)
    when = fmt.format_long_date(year, month, day)
    return f"Quyết định số {shown} {when} của {dossier.issuer.authority_name}"


def _attachments(phrase: str) -> str:
    """The attached documents as Điều 1 names them: every one of :data:`ATTACHED_DOCUMENTS`,
    so a phrase that leaves one out gets it, in the documents' order.

    >>> _attachments("báo cáo"), _attachments("Báo cáo, Phụ lục kết quả")
    ('báo cáo và Phụ lục', 'Báo cáo, Phụ lục kết quả')
    >>> _attachments("Phụ lục kết quả"), _attachments("bảng tổng hợp"), _attachments("")
    ('Báo cáo và Phụ lục kết quả', 'bảng tổng hợp, Báo cáo và Phụ lục', 'Báo cáo và Phụ lục')
    """
    phrase = _clean(phrase)
    report, appendix = (name in phrase.lower() for name in
                        (d.lower() for d in ATTACHED_DOCUMENTS))
    if report and appendix:
        return phrase
    if appendix:
        return f"{ATTACHED_DOCUMENTS[0]} và {phrase}"
    if report:
        return f"{phrase} và {ATTACHED_DOCUMENTS[1]}"
    both = f"{ATTACHED_DOCUMENTS[0]} và {ATTACHED_DOCUMENTS[1]}"
    return f"{phrase}, {both}" if phrase else both


def _decision(dossier: Dossier, reference: str) -> Context:
    decision = dossier.decision
    year, month, day = decision_date(decision)
    bases = [_citation(b) for b in decision.bases]
    closing = [_clean(decision.proposal)] if decision.proposal else []
    lines = [*bases, *closing]
    punctuated = [f"{line};" for line in lines[:-1]] + [f"{lines[-1]}."]
    place = (dossier.issuer.place,)
    recipients = [fmt.keep_together(f"- {_clean(r)};", place) for r in decision.recipients]
    recipients.append(f"- Lưu: {_clean(decision.archive)}.")
    return {
        "number_line": _number_line(dossier),
        "place_date": fmt.format_place_date(dossier.issuer.place, year, month, day),
        "reference": reference,
        "title_lines": list(decision.subject_lines),
        "bases": punctuated[: len(bases)],
        "proposal": punctuated[-1] if closing else "",
        "articles": [{"label": f"Điều {i}.", "text": text}
                     for i, text in enumerate(decision.articles, start=1)],
        "executors": decision.executors or MISSING_EXECUTORS,
        "attachments_phrase": _attachments(decision.attachments_phrase),
        "signature": {"lines": signature_lines(decision.signer), "name": decision.signer.name},
        "recipients": recipients,
    }


def _clean(text: str) -> str:
    """Drop the punctuation staff may have typed at the end; the program adds ND30's own."""
    return _TRAILING.sub("", text)


def _citation(base: str | Citation) -> str:
    """Return a căn cứ line: as written, or a structured citation in full form."""
    if isinstance(base, str):
        return _clean(base)
    year, month, day = parse_date(base.date)
    issued = fmt.format_citation_date(date(year, month or 1, day or 1))
    text = f"Căn cứ {base.type} số {base.number} ngày {issued}"
    if base.issuer:
        text += f" của {base.issuer}"
    if base.subject:
        text += f" {_clean(base.subject)}"
    return text


def signature_lines(signer: Signer) -> list[str]:
    """Return the lines of ô 7a: TM. collective, then KT./TL./TUQ. head, then the title.

    >>> s = Signer(on_behalf_of="ỦY BAN NHÂN DÂN", authority="KT.", head_title="CHỦ TỊCH",
    ...            title="PHÓ CHỦ TỊCH", name="Nguyễn Văn A")
    >>> signature_lines(s)
    ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']
    >>> signature_lines(Signer(title="CHỦ TỊCH", name="Đặng Quang Hưng"))
    ['CHỦ TỊCH']
    >>> signature_lines(Signer(authority="Q.", title="CHÁNH VĂN PHÒNG", name="B"))
    ['Q. CHÁNH VĂN PHÒNG']
    """
    lines = []
    if signer.on_behalf_of:
        lines.append(f"TM. {signer.on_behalf_of}")
    if signer.authority == "Q.":
        lines.append(f"Q. {signer.title}")
        return lines
    if signer.authority:
        lines.append(f"{signer.authority} {signer.head_title or ''}".strip())
    lines.append(signer.title)
    return lines


#: The sections of the Báo cáo in order, and where the dossier holds the narrative of those
#: it may lack (None: computed, never empty), as the note of an empty one names them.
SECTIONS: tuple[tuple[str, str | None], ...] = (
    ("overview", None),
    ("implementation", "“tình hình triển khai” của báo cáo (hoặc “điều tra xã hội học”)"),
    ("results", None),
    ("assessment", "“nhận xét đánh giá” của báo cáo"),
    ("direction", "“phương hướng” của báo cáo"),
)


def report_sections(dossier: Dossier, draft: bool) -> Context:
    """Return each section's Roman number, whether it is shown and the note of an empty one.

    A section with no content is left out of the issued Báo cáo, and the sections after it
    move up (I, II, III …, never a heading with nothing under it, never a gap in the
    numbering). A draft shows it with an italic note that says what to fill in, so the
    gap is seen before the document goes to be signed.
    """
    report = dossier.report
    filled = {"implementation": bool(report.implementation) or dossier.survey is not None,
              "assessment": bool(report.assessment), "direction": bool(report.direction)}
    sections: Context = {}
    number = 0
    for key, source in SECTIONS:
        empty = not filled.get(key, True)
        shown = draft or not empty
        number += shown
        note = (f"[Nội dung phần này chưa có trong hồ sơ: bổ sung mục {source} trong hồ sơ "
                "trước khi trình ký.]") if empty and shown else ""
        sections[key] = {"number": fmt.roman(number) if shown else "", "shown": shown,
                         "note": note}
    return sections


def _report(dossier: Dossier, attachment_line: str, draft: bool) -> Context:
    report = dossier.report
    sections = report_sections(dossier, draft)

    def noted(key: str, entries: list[dict[str, str]]) -> list[dict[str, str]]:
        """The section's entries, led by the note of an empty section in a draft."""
        note = sections[key]["note"]
        return ([{"kind": "note", "text": note}] if note else []) + entries

    return {
        "sections": sections,
        "title_lines": list(report.title_lines),
        "attachment_line": attachment_line,
        "method": [_body_entry(text) for text in report.method],
        "scale_letter": fmt.point_letter(0),
        "criteria_letter": fmt.point_letter(1),
        "criteria": [
            {"block_name": b.name, "fields": fmt.format_count(b.criteria.fields),
             "criteria": fmt.format_count(b.criteria.criteria),
             "sub_criteria": fmt.format_count(b.criteria.sub_criteria)}
            for b in dossier.blocks if b.criteria is not None
        ],
        "criteria_source": report.criteria_source,
        "implementation": noted("implementation", narrative(report.implementation)),
        "results_intro": [_body_entry(text) for text in report.results_intro],
        "assessment": noted("assessment", narrative(report.assessment)),
        "direction": noted("direction", narrative(report.direction)),
    }


def _body_entry(text: str) -> dict[str, str]:
    """Return a body entry; a leading "- " or "+ " makes it a list item."""
    text = " ".join(text.split())
    kind = {"- ": "dash", "+ ": "plus"}.get(text[:2], "paragraph")
    return {"kind": kind, "text": text}


def narrative(subsections: list[Subsection]) -> list[dict[str, str]]:
    """Return numbered, flattened entries: "1. Title", its body, "a) Point", its body."""
    entries: list[dict[str, str]] = []
    number = 0
    for sub in subsections:
        if sub.title:
            number += 1
            entries.append({"kind": "heading", "text": f"{number}. {sub.title}"})
        entries += [_body_entry(t) for t in sub.body]
        entries += points(sub.points)
    return entries


def points(items: list[Point]) -> list[dict[str, str]]:
    """Return lettered point entries: "a) Title" then the point's body."""
    entries: list[dict[str, str]] = []
    letter = 0
    for point in items:
        if point.title:
            entries.append({"kind": "subheading", "text": f"{fmt.point_letter(letter)}) {point.title}"})
            letter += 1
        entries += [_body_entry(t) for t in point.body]
    return entries


def _block(result: BlockResult, number: int, dossier: Dossier) -> Context:
    scheme = result.scheme  # the block's own, when it has one
    decimals = scheme.score_decimals
    block = result.block
    size = result.size

    def score(value: Decimal) -> str:  # in running text
        return fmt.format_score(value, decimals)

    def cell(value: Decimal) -> str:  # in a table column
        return fmt.format_number(value, decimals)

    has_components = bool(result.components)
    return {
        "number": str(number),
        "name": block.name,
        "description": block.description,
        "short_name": block.short_name,
        "subject": block.subject,
        "size": fmt.format_count(size),
        "max_total": fmt.format_plain(scheme.max_total),
        "average": score(result.average),
        "highest": {"names": fmt.join_names([u.name for u in result.highest]),
                    "total": score(result.highest[0].total)},
        "lowest": {"names": fmt.join_names([u.name for u in result.lowest]),
                   "total": score(result.lowest[0].total)},
        "gap": score(result.gap),
        "below_average_ratio": fmt.format_ratio(result.below_average, size),
        "bands": [
            {
                "name": f"{scheme.band_term} {band.band.label}",
                "label": band.band.label,
                "range": fmt.format_band_range(band.band.lower, band.band.upper, scheme.range_unit),
                "count": fmt.format_count(len(band.units)),
                "ratio": fmt.format_ratio(len(band.units), size),
                "share": fmt.format_percent(band.share, scheme.share_decimals),
                "names": fmt.join_names([u.name for u in band.units]),
                "empty": not band.units,
            }
            for band in result.bands
        ],
        "units": [
            {
                "index": str(i),
                "name": u.name,
                "components": [cell(s) for s in u.scores],
                "total": cell(u.total),
                "rank": str(u.rank),
                "band": scheme.bands[u.band].label,
            }
            for i, u in enumerate(result.units, start=1)
        ],
        "component_names": [c.name for c in scheme.components] if has_components else [],
        "component_maxes": [fmt.format_plain(c.max) for c in scheme.components] if has_components else [],
    }


def _add_analytics(blocks: list[Context], dossier: Dossier, result: RoundResult,
                   comparison: RoundComparison | None) -> None:
    """Add per-field, year-over-year, Biểu and chart keys to each block's context."""
    numbering = Numbering()
    pairs = comparison.blocks if comparison else (None,) * len(blocks)
    previous_year = comparison.previous_year if comparison else None
    for context, block, pair in zip(blocks, result.blocks, pairs, strict=True):
        context.update(block_analytics(block, block.scheme, numbering, pair, dossier.year,
                                       previous_year))
        changes = context["comparison"]["bands"] if context["comparison"] else None
        for index, band in enumerate(context["bands"]):
            band["change"] = changes[index] if changes else None
            band["change_text"] = band_change_text(band["change"], band["empty"],
                                                   str(previous_year) if changes else None)


def _survey(dossier: Dossier, result: RoundResult) -> Context | None:
    survey = dossier.survey
    if survey is None or result.survey is None:
        return None
    decimals = dossier.scheme.share_decimals
    blocks = []
    for block in result.blocks:
        key = block.scheme.survey_component
        stat = block.component(key) if key else None
        if stat is not None:
            blocks.append({
                "name": block.block.name,
                "average": fmt.format_score(stat.average, block.scheme.score_decimals),
                "max": fmt.format_plain(stat.max),
                "below_ratio": fmt.format_ratio(stat.below, block.size),
            })
    entries = points(survey.points)
    lettered = sum(1 for p in survey.points if p.title)
    implementation_count = sum(1 for s in dossier.report.implementation if s.title)
    return {
        "number": str(implementation_count + 1),
        "title": survey.title,
        "entries": entries,
        "result_letter": fmt.point_letter(lettered),
        "issued": fmt.format_count(survey.issued),
        "returned": fmt.format_count(survey.returned),
        "valid": fmt.format_count(survey.valid),
        "return_rate": fmt.format_percent(result.survey.return_rate, decimals),
        "valid_rate": fmt.format_percent(result.survey.valid_rate, decimals),
        "blocks": blocks,
    }


__all__ = ["build_context", "created_at", "is_final", "signature_lines"]

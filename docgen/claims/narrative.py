"""The numbers staff type in the dossier's narrative, checked against the data.

Sections I, II, IV and V of the Báo cáo (and the survey's points) are written by people and
printed as typed: "có 05 xã đạt điểm tối đa", "đạt 4/8 điểm (45%)", "thấp nhất là …". Each
paragraph is read as :mod:`docgen.claims.statements` reads a report, with the headings of
its subsection and point as context (the block or lĩnh vực a statement is about is read
from its heading and paragraph); every statement found wrong is a warning naming the
place in the dossier, with the computed value. ``--strict`` makes them errors.
"""

from __future__ import annotations

from docgen.claims.facts import Facts
from docgen.errors import Problem
from docgen.claims.statements import WRONG, Finding, Passage, check_passages
from docgen.model.dossier import Dossier, Point, Subsection


def _points(points: list[Point], where: str) -> list[Passage]:
    found = []
    for i, point in enumerate(points, start=1):
        here = f"{where} › điểm thứ {i}"
        if point.title:
            found.append(Passage(point.title, here, heading=True))
        found += [Passage(text, f"{here} › đoạn {j}") for j, text in enumerate(point.body, 1)]
    return found


def _subsections(items: list[Subsection], where: str) -> list[Passage]:
    found = []
    for i, sub in enumerate(items, start=1):
        here = f"{where} › mục thứ {i}"
        if sub.title:
            found.append(Passage(f"{i}. {sub.title}", here, heading=True))
        found += [Passage(text, f"{here} › đoạn {j}") for j, text in enumerate(sub.body, 1)]
        found += _points(sub.points, here)
    return found


def narrative_passages(dossier: Dossier) -> list[Passage]:
    """Every paragraph staff typed, in the order of the Báo cáo, with its place."""
    report = dossier.report
    passages = [Passage(t, f"báo cáo › phương pháp › đoạn {i}")
                for i, t in enumerate(report.method, 1)]
    passages += _subsections(report.implementation, "báo cáo › tình hình triển khai")
    if dossier.survey is not None:
        passages.append(Passage("II. Điều tra xã hội học", "điều tra xã hội học", heading=True))
        passages += _points(dossier.survey.points, "điều tra xã hội học")
    passages.append(Passage("III. Kết quả", "báo cáo › căn cứ xếp loại", heading=True))
    passages += [Passage(t, f"báo cáo › căn cứ xếp loại › đoạn {i}")
                 for i, t in enumerate(report.results_intro, 1)]
    passages.append(Passage("IV. Nhận xét, đánh giá", "báo cáo › nhận xét đánh giá", heading=True))
    passages += _subsections(report.assessment, "báo cáo › nhận xét đánh giá")
    passages.append(Passage("V. Phương hướng", "báo cáo › phương hướng", heading=True))
    passages += _subsections(report.direction, "báo cáo › phương hướng")
    return passages


def narrative_findings(dossier: Dossier, facts: Facts) -> list[Finding]:
    """Every computable statement of the dossier's narrative, checked."""
    return check_passages(narrative_passages(dossier), facts)


def narrative_warnings(dossier: Dossier, facts: Facts, source: str) -> list[str]:
    """The warning lines of the narrative's wrong statements."""
    return [f"{source}: {f.location}: “{f.quote}”: ghi {f.stated}; tính được {f.computed}"
            + (f" ({f.reason})" if f.reason else "")
            for f in narrative_findings(dossier, facts) if f.verdict == WRONG]


def narrative_problems(dossier: Dossier, facts: Facts, source: str) -> list[Problem]:
    """The narrative's wrong statements as input problems (``--strict``)."""
    return [Problem(source, f.location, f"số liệu đúng với dữ liệu: {f.computed}",
                    f"“{f.quote}” ({f.stated})")
            for f in narrative_findings(dossier, facts) if f.verdict == WRONG]

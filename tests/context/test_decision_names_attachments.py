"""The Quyết định names every document attached to it (the Báo cáo and the Phụ lục), in
every fixture; Điều typed in a dossier that name neither are warned about."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from docgen.claims.warnings import attachment_warnings
from docgen.model.dossier import ATTACHED_DOCUMENTS
from docgen.model.loader import load_dossier
from docgen.pipeline import render_package, warnings_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_article_1_names_each_attached_document(name: str) -> None:
    dossier = load_dossier(FIXTURES / f"{name}.yaml")
    (document,) = render_package(dossier, formats=["docx"], kinds=["quyet_dinh"])
    articles = [p.text for p in Document(io.BytesIO(document.data)).paragraphs
                if p.text.startswith("Điều ")]
    assert [a.split(".")[0] for a in articles] == ["Điều 1", "Điều 2", "Điều 3"]
    first = articles[0].lower()
    assert "kèm theo" in first
    assert [d for d in ATTACHED_DOCUMENTS if d.lower() not in first] == []
    assert attachment_warnings(dossier, "hồ sơ") == []


def _with_articles(articles: list[str]):
    dossier = load_dossier(FIXTURES / "phu-yen-2022.yaml")
    decision = dossier.decision.model_copy(update={"articles": articles})
    return dossier.model_copy(update={"decision": decision})


def test_typed_articles_that_forget_an_attachment_are_warned_about() -> None:
    dossier = _with_articles(["Công bố Chỉ số cải cách hành chính năm 2022 (có báo cáo kèm "
                              "theo).", "Quyết định có hiệu lực từ ngày ký./."])
    expected = ("hồ sơ: quyết định › điều: không Điều nào nhắc đến Phụ lục kèm theo Quyết "
                "định; ghi vào Điều 1, ví dụ “(có Báo cáo, Phụ lục kết quả kèm theo)”")
    assert attachment_warnings(dossier, "hồ sơ") == [expected]
    assert expected in warnings_of(dossier)


def test_typed_articles_that_name_both_get_no_warning() -> None:
    dossier = _with_articles(["Công bố Chỉ số năm 2022 (có Báo cáo, Phụ lục kèm theo).",
                              "Quyết định có hiệu lực từ ngày ký./."])
    assert attachment_warnings(dossier, "hồ sơ") == []

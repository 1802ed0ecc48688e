"""DOCX and PDF agree on the less common variants too: custom articles, a parent agency,
TM./KT. three-line signature, no survey, no components, empty bands."""

from __future__ import annotations

import pytest
from extract import PHU_YEN, SON_LA, chart_texts, docx_and_pdf_text, docx_text, squash

from docgen.model.loader import load_data, parse_text
from docgen.pipeline import render_package

pytestmark = pytest.mark.e2e


def _variant(path, edit):
    data = parse_text(path.read_text(encoding="utf-8"), str(path))
    edit(data)
    return load_data(data, str(path))


def _son_la_variant(data: dict) -> None:
    decision = data["quyết định"]
    decision["điều"] = ["Công bố kết quả.", "Các đơn vị thực hiện.", "Quyết định có hiệu lực./."]
    decision["người ký"] = {"thay mặt": "ỦY BAN NHÂN DÂN", "quyền hạn": "KT.",
                            "chức vụ người đứng đầu": "CHỦ TỊCH",
                            "chức vụ": "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "họ tên": "Lê Văn A"}
    data["cơ quan"]["cơ quan chủ quản"] = "BỘ NỘI VỤ"
    del data["điều tra xã hội học"]


@pytest.mark.parametrize(("path", "edit"), [(SON_LA, _son_la_variant), (PHU_YEN, lambda d: None)],
                         ids=["son-la-variant", "phu-yen"])
def test_docx_and_pdf_agree(path, edit) -> None:
    dossier = _variant(path, edit)
    documents = {d.filename: d.data for d in render_package(dossier)}
    for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
        labels = chart_texts(dossier) if kind == "bao_cao" else []
        docx, pdf = docx_and_pdf_text(documents[f"{kind}.docx"], documents[f"{kind}.pdf"],
                                      labels)
        if kind == "phu_luc":  # the header row repeats on each PDF page, once in the DOCX
            start, end = docx.index(squash("STT Tên đơn vị")), docx.index(squash("Xếp loại"))
            head = docx[start:end + len(squash("Xếp loại"))]
            docx, pdf = docx.replace(head, ""), pdf.replace(head, "")
        assert docx == pdf, kind


def test_the_variant_says_what_was_asked() -> None:
    documents = {d.filename: d.data for d in render_package(_variant(SON_LA, _son_la_variant))}
    text = docx_text(documents["quyet_dinh.docx"])
    assert "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH THƯỜNG TRỰC" in text
    assert "Điều 3. Quyết định có hiệu lực./." in text
    assert "BỘ NỘI VỤ" in text
    report = docx_text(documents["bao_cao.docx"])
    assert "Tổng số phiếu thu về" not in report and "Kết quả điều tra xã hội học" not in report

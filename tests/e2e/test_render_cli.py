"""The real CLI renders the whole package; what a clerk gets says the right things."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from extract import (
    PHU_YEN,
    SON_LA,
    chart_texts,
    docx_and_pdf_text,
    docx_first_page_header,
    docx_text,
    flat,
    pdf_pages,
    run_cli,
    squash,
)

from docgen.model.loader import load_dossier

pytestmark = pytest.mark.e2e

KINDS = ("quyet_dinh", "bao_cao", "phu_luc")

#: Sentences the published Sơn La 2025 report states, which ours must state too.
SON_LA_FACTS = [
    "có 08/15 đơn vị chiếm tỷ lệ 53,33% (Sở Xây dựng, Sở Nội vụ, Sở Khoa học và Công nghệ, "
    "Thanh tra tỉnh, Văn phòng UBND tỉnh, Sở Tài chính, Ban Quản lý Các KCN tỉnh, Sở Tư pháp)",
    "có 07/15 đơn vị chiếm tỷ lệ 46,67%",
    "có 13/75 đơn vị chiếm tỷ lệ 17,33%",
    "có 32/75 đơn vị chiếm tỷ lệ 42,67%",
    "có 17/75 đơn vị chiếm tỷ lệ 22,67%",
    "Tổng điểm trung bình của các sở đạt: 90,82/100 điểm",
    "đạt: 80,51/100 điểm",
    "Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,88% số phiếu phát ra.",
]


def test_it_writes_three_documents_in_two_formats(son_la_package: Path) -> None:
    names = sorted(p.name for p in son_la_package.iterdir())
    assert names == sorted(f"{k}.{f}" for k in KINDS for f in ("docx", "pdf"))
    for path in son_la_package.iterdir():
        magic = b"PK" if path.suffix == ".docx" else b"%PDF-"
        assert path.read_bytes().startswith(magic)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_report_states_the_published_figures(son_la_package: Path, fmt: str) -> None:
    data = (son_la_package / f"bao_cao.{fmt}").read_bytes()
    text = flat(docx_text(data) if fmt == "docx" else " ".join(pdf_pages(data)))
    for fact in SON_LA_FACTS:
        assert flat(fact) in text, fact


@pytest.mark.parametrize("kind", KINDS)
def test_docx_and_pdf_say_the_same_thing(son_la_package: Path, kind: str) -> None:
    labels = chart_texts(load_dossier(SON_LA)) if kind == "bao_cao" else []
    docx, pdf = docx_and_pdf_text((son_la_package / f"{kind}.docx").read_bytes(),
                                  (son_la_package / f"{kind}.pdf").read_bytes(), labels)
    # A table's header row repeats at the top of every PDF page; in the DOCX the
    # repetition is a property of the row, so its text is there once per table.
    header = squash("STT Tên đơn vị")
    if kind == "phu_luc":
        end = squash("Xếp hạng Xếp loại")
        head = docx[docx.index(header): docx.index(end) + len(end)]
        assert pdf.count(head) > docx.count(head) >= 2
        docx, pdf = docx.replace(head, ""), pdf.replace(head, "")
    assert docx == pdf


def test_a_draft_has_blanks_and_the_mark(son_la_package: Path) -> None:
    data = (son_la_package / "quyet_dinh.docx").read_bytes()
    text = flat(docx_text(data))
    assert "DỰ THẢO" in docx_first_page_header(data)
    assert "DỰ THẢO" in pdf_pages((son_la_package / "quyet_dinh.pdf").read_bytes())[0]
    assert "Số: /QĐ-UBND" in text  # blanks collapse to one space once flattened
    assert "Sơn La, ngày tháng 12 năm 2025" in text


def test_a_final_decision_has_neither_blanks_nor_mark(tmp_path: Path) -> None:
    done = run_cli("render", PHU_YEN, "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    for fmt in ("docx", "pdf"):
        data = (tmp_path / f"quyet_dinh.{fmt}").read_bytes()
        text = flat(docx_text(data) if fmt == "docx" else " ".join(pdf_pages(data)))
        assert "DỰ THẢO" not in text
        if fmt == "docx":
            assert "DỰ THẢO" not in docx_first_page_header(data)
        assert "Số: 15/QĐ-UBND" in text
        assert "Phù Yên, ngày 16 tháng 01 năm 2023" in text
        assert "CHỦ TỊCH Đặng Quang Hưng" in text


def test_the_same_dossier_gives_the_same_bytes(son_la_package: Path, tmp_path: Path) -> None:
    done = run_cli("render", SON_LA, "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    for path in son_la_package.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_draft_flag_and_single_format(tmp_path: Path) -> None:
    done = run_cli("render", PHU_YEN, "-o", tmp_path, "--format", "docx", "--draft")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{k}.docx" for k in sorted(KINDS)]
    assert "DỰ THẢO" in docx_first_page_header((tmp_path / "quyet_dinh.docx").read_bytes())


def test_escaping_keeps_a_name_with_markup_characters(tmp_path: Path) -> None:
    data = yaml.safe_load(PHU_YEN.read_text(encoding="utf-8"))
    data["khối"][0]["đơn vị"][0]["tên đơn vị"] = "Sở Văn hóa & Thể thao <mới>"
    dossier = tmp_path / "escaped.yaml"
    dossier.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("render", dossier, "-o", tmp_path / "out", "--format", "docx,pdf")
    assert done.returncode == 0, done.stderr
    for fmt in ("docx", "pdf"):
        blob = (tmp_path / "out" / f"phu_luc.{fmt}").read_bytes()
        text = flat(docx_text(blob) if fmt == "docx" else " ".join(pdf_pages(blob)))
        assert "Sở Văn hóa & Thể thao <mới>" in text


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["khối"][0]["đơn vị"][0].update({"tổng điểm": 101}), "từ 0 đến 100"),
        (lambda d: d["quyết định"]["người ký"].pop("họ tên"), "họ tên"),
        (lambda d: d["khối"][0]["đơn vị"][1].update({"tên đơn vị": " tường  phù"}), "trùng tên"),
    ],
    ids=["score-above-maximum", "missing-field", "duplicate-name"],
)
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path: Path, edit, expected: str) -> None:
    data = yaml.safe_load(PHU_YEN.read_text(encoding="utf-8"))
    edit(data)
    dossier = tmp_path / "bad.yaml"
    dossier.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "quyet_dinh.docx").write_bytes(b"last year's file")
    done = run_cli("render", dossier, "-o", out)
    assert done.returncode == 2
    assert str(dossier) in done.stderr and expected in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["quyet_dinh.docx"]
    assert (out / "quyet_dinh.docx").read_bytes() == b"last year's file"


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    dossier = tmp_path / "broken.yaml"
    dossier.write_text("năm: 2025\nkhối: [\n", encoding="utf-8")
    done = run_cli("check", dossier)
    assert done.returncode == 2
    assert f"{dossier}: dòng 3" in done.stderr


def test_demo_writes_into_out(tmp_path: Path) -> None:
    done = run_cli("demo", "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 3


def test_an_output_path_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    done = run_cli("render", PHU_YEN, "-o", blocker, "--format", "docx")
    assert done.returncode == 4
    assert f"Lỗi: {blocker}: không ghi được kết quả" in done.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"

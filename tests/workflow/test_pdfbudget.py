"""An uploaded PDF is read within budgets (docgen.workflow.pdfbudget): the crafted
"signed" files of issue 15 are refused with a Vietnamese message, quickly, before they are
stored; the text diff of a PDF is bounded in time."""

from __future__ import annotations

from pathlib import Path

import pytest
from live import blank_pdf
from pdfbombs import flate_bomb, many_objects, page_tree_cycle, page_tree_dag, shared_content

from docgen.workflow.errors import UnsupportedError
from docgen.workflow.pdfbudget import MAX_OBJECTS, PdfBudget, check_pdf
from docgen.workflow.textdiff import pdf_lines

REPORT = Path(__file__).resolve().parents[2] / "fixtures" / "audit" / "ha-tinh-2024-bao-cao.pdf"


def test_ordinary_pdfs_pass() -> None:
    check_pdf(blank_pdf())
    check_pdf(REPORT.read_bytes())  # a real 3-page report: 16 KB of content, 77 KB inflated


@pytest.mark.parametrize(("attack", "words"), [
    (lambda: shared_content(100, 5 * 1024 * 1024), "trang 1 có 5119 KB lệnh vẽ"),
    (lambda: shared_content(100, 1024 * 1024), "các trang có hơn 16 MB lệnh vẽ"),
    (lambda: page_tree_dag(20), "cây trang có một nút xuất hiện hai lần"),
    (lambda: page_tree_dag(40), "cây trang không hợp lệ"),
    (page_tree_cycle, "cây trang có một nút xuất hiện hai lần"),
    (lambda: flate_bomb(1024**3), "dữ liệu giải nén vượt 200 MB"),
], ids=["100 pages sharing 5 MB", "total content", "page tree DAG", "deep DAG", "cycle",
        "1 GB Flate bomb"])
def test_the_crafted_pdfs_are_refused_naming_the_budget(attack, words: str) -> None:
    data = attack()
    with pytest.raises(UnsupportedError) as refused:
        check_pdf(data)
    message = str(refused.value)
    assert words in message
    assert message.startswith("Tệp tải lên vượt giới hạn kiểm tra")
    assert "hãy xuất lại tệp PDF" in message


def test_the_sizes_of_the_attacks_are_those_of_the_report() -> None:
    assert len(shared_content()) < 40_000        # "33 KB"
    assert len(flate_bomb(1024**3)) < 1_100_000  # "1 MB" for 1 GB


def test_too_many_objects_are_refused() -> None:
    with pytest.raises(UnsupportedError, match=f"tối đa {MAX_OBJECTS}"):
        check_pdf(many_objects(MAX_OBJECTS + 1))


def test_too_many_pages_and_the_time_budget() -> None:
    with pytest.raises(UnsupportedError, match="có hơn 50 trang"):
        check_pdf(shared_content(60, 100), PdfBudget(pages=50))
    with pytest.raises(UnsupportedError, match="cần hơn 0 giây"):
        check_pdf(REPORT.read_bytes(), PdfBudget(seconds=0))


def test_garbage_and_non_pdfs_are_refused_in_vietnamese() -> None:
    with pytest.raises(UnsupportedError, match="không phải PDF"):
        check_pdf(b"GIF89a")
    with pytest.raises(UnsupportedError, match="Không đọc được tệp tải lên"):
        check_pdf(b"%PDF-1.7\n" + b"\x00" * 100)


def test_text_extraction_for_a_diff_stops_at_its_deadline() -> None:
    slow = shared_content(1, 1536 * 1024)  # within the budgets, ~9 s of extraction here
    with pytest.raises(UnsupportedError, match="để đọc chữ"):
        pdf_lines(slow, seconds=0.2)
    assert pdf_lines(shared_content(1, 2000))[0].startswith("a")

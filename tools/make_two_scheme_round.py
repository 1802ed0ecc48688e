"""Write the SYNTHETIC two-scheme round of Hà Tĩnh 2024: a workbook and the 2023 round.

Provinces evaluate sở and huyện with different criteria sets. In this round the khối sở
has seven lĩnh vực and the khối huyện eight, and the lĩnh vực both have are worth
different maxima (Cải cách thủ tục hành chính: 12 points for a sở, 11 for a huyện); both
add up to the 70 points of the appraisal, plus 30 of the survey. The dossier
(fixtures/ha-tinh-2024.yaml, written by hand) gives each block its own ``thang điểm``.

The workbook fixtures/ha-tinh-2024-diem.xlsx carries the mistakes published tables have,
each planted on purpose so that docgen must report it once:

* "Khối sở": its "Trung bình" row has one lĩnh vực average truncated where rounding was
  due; another average is typed with one decimal ("7,1" for 7,10), which is not a mistake.
* "Khối huyện": the sixth unit is given the rank of the unit above it, and every rank
  after it was numbered on from there (each one too small); its "TB" row has two digits
  of the total's average transposed; "Huyện Hương Khe" is written without the circumflex
  that last year's round (fixtures/ha-tinh-2023.yaml) has ("Huyện Hương Khê").

Unit names are real; EVERY SCORE IS MADE UP (fixed seed, same bytes each time).

    .venv/bin/python tools/make_two_scheme_round.py
"""

from __future__ import annotations

import random
import sys
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docgen.render.xlsx import save_reproducibly

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CENT = Decimal("0.01")
#: (code, title, maximum for a sở, maximum for a huyện); None: not in that block's set.
FIELDS = [
    ("chi_dao", "Công tác chỉ đạo, điều hành CCHC", 10, 8),
    ("the_che", "Xây dựng và tổ chức thực hiện văn bản QPPL", 7, 5),
    ("tthc", "Cải cách thủ tục hành chính", 12, 11),
    ("bo_may", "Cải cách tổ chức bộ máy hành chính", 8, 7),
    ("cong_vu", "Cải cách chế độ công vụ", 10, 10),
    ("tai_chinh", "Cải cách tài chính công", 8, 6),
    ("cq_so", "Xây dựng, phát triển chính quyền điện tử, chính quyền số", 15, 12),
    ("tac_dong", "Tác động của CCHC đến người dân, tổ chức", None, 11),
]
BANDS = [(Decimal(90), "XUẤT SẮC"), (Decimal(80), "TỐT"), (Decimal(70), "TRUNG BÌNH"),
         (Decimal(0), "THẤP")]
#: (name this year, total this year, total in 2023 or None when the unit is new)
DEPARTMENTS = [("Sở Nội vụ", "92.64", "90.12"), ("Sở Tư pháp", "90.37", "88.40"),
               ("Văn phòng UBND tỉnh", "89.85", "89.90"), ("Sở Tài chính", "87.16", "85.33"),
               ("Sở Y tế", "85.42", "86.05"), ("Sở Xây dựng", "83.09", "80.71"),
               ("Sở Công Thương", "81.28", "82.64"), ("Thanh tra tỉnh", "78.53", "76.20")]
DISTRICTS = [("Thành phố Hà Tĩnh", "91.76", "90.45"), ("Thị xã Hồng Lĩnh", "89.63", "87.12"),
             ("Huyện Can Lộc", "88.21", "88.90"), ("Huyện Thạch Hà", "87.54", "84.66"),
             ("Huyện Đức Thọ", "86.38", "85.07"), ("Thị xã Kỳ Anh", "85.97", "86.31"),
             ("Huyện Nghi Xuân", "84.45", "83.18"), ("Huyện Cẩm Xuyên", "83.62", "81.94"),
             ("Huyện Hương Sơn", "82.80", "82.05"), ("Huyện Hương Khe", "81.39", "80.27"),
             ("Huyện Lộc Hà", "79.94", "78.63"), ("Huyện Kỳ Anh", "78.15", "79.40"),
             ("Huyện Vũ Quang", "75.18", "74.35")]
#: The name last year's round has for a unit misspelled in this year's sheet.
LAST_YEAR_NAME = {"Huyện Hương Khe": "Huyện Hương Khê"}


def band(total: Decimal) -> str:
    return next(label for lower, label in BANDS if total >= lower)


def split(total: Decimal, maxima: list[int], rng: random.Random) -> tuple[Decimal, list[Decimal]]:
    """Return (survey, appraised per lĩnh vực) adding up to `total`, each within its maximum."""
    survey = (total * Decimal("0.3") - Decimal(rng.randint(0, 150)) / 100).quantize(CENT)
    appraised = total - survey
    while True:
        weights = [Decimal(m) * (1 + Decimal(rng.randint(-40, 40)) / 1000) for m in maxima]
        parts = [(appraised * w / sum(weights)).quantize(CENT) for w in weights]
        parts[-1] += appraised - sum(parts)
        if all(Decimal(0) <= p <= m for p, m in zip(parts, maxima, strict=True)):
            return survey, parts


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def write_block(sheet, heading: str, units: list[tuple[str, str, str | None]], column: int,
                rng: random.Random, summary_label: str) -> list[list[Decimal]]:
    """Write one block's table; return its rows of numbers (fields, TĐ, XHH, total)."""
    fields = [(title, f[column]) for f in FIELDS for title in [f[1]] if f[column] is not None]
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["(SỐ LIỆU GIẢ LẬP, chỉ để kiểm thử docgen)"])
    sheet.append([])
    sheet.append(["STT", "Tên đơn vị"]
                 + [f"{i}. {title} ({maximum} điểm)" for i, (title, maximum)
                    in enumerate(fields, start=1)]
                 + ["Điểm thẩm định", "Điều tra XHH", "Tổng điểm", "Xếp hạng", "Xếp loại"])
    numbers = []
    totals = [Decimal(t) for _, t, _ in units]
    for i, (name, total_text, _) in enumerate(units):
        total = Decimal(total_text)
        survey, parts = split(total, [m for _, m in fields], rng)
        rank = 1 + sum(1 for t in totals if t > total)
        numbers.append([*parts, total - survey, survey, total])
        sheet.append([i + 1, name, *parts, total - survey, survey, total, rank, band(total)])
    averages = [mean([row[j] for row in numbers]) for j in range(len(numbers[0]))]
    sheet.append([summary_label, None, *[a.quantize(CENT, ROUND_HALF_UP) for a in averages]])
    return numbers


def truncated_column(numbers: list[list[Decimal]], count: int) -> int:
    """The first lĩnh vực whose average, truncated, is not the average rounded half-up."""
    for j in range(count):
        exact = mean([row[j] for row in numbers])
        if exact.quantize(CENT, ROUND_DOWN) != exact.quantize(CENT, ROUND_HALF_UP):
            return j
    raise SystemExit("no average to truncate: change the seed")


def one_decimal_column(numbers: list[list[Decimal]], count: int, skip: int) -> int:
    """The first other lĩnh vực whose rounded average ends in 0 (7,10 may be typed 7,1)."""
    for j in range(count):
        rounded = mean([row[j] for row in numbers]).quantize(CENT, ROUND_HALF_UP)
        if j != skip and rounded == rounded.quantize(Decimal("0.1")):
            return j
    raise SystemExit("no average ending in 0: change the seed")


def workbook(rng: random.Random) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Khối sở"
    numbers = write_block(sheet, "Biểu 1. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CỦA CÁC SỞ, BAN, NGÀNH",
                          DEPARTMENTS, 2, rng, "Trung bình")
    count = sum(1 for f in FIELDS if f[2] is not None)
    last = sheet.max_row
    wrong = truncated_column(numbers, count)
    exact = mean([row[wrong] for row in numbers])
    sheet.cell(last, 3 + wrong, exact.quantize(CENT, ROUND_DOWN))
    short = one_decimal_column(numbers, count, wrong)
    value = mean([row[short] for row in numbers]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    sheet.cell(last, 3 + short, str(value).replace(".", ","))  # typed as text: "7,1"

    sheet = book.create_sheet("Khối huyện")
    write_block(sheet, "Biểu 2. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CỦA UBND CẤP HUYỆN",
                DISTRICTS, 3, rng, "TB")
    rank_column = 3 + sum(1 for f in FIELDS if f[3] is not None) + 3
    first = 5
    for offset in range(5, len(DISTRICTS)):  # the sixth unit takes the fifth's rank, and on
        sheet.cell(first + offset, rank_column, offset)
    last = sheet.max_row
    average = sheet.cell(last, rank_column - 1).value
    digits = f"{average:.2f}"
    swapped = digits[:-2] + digits[-1] + digits[-2]
    if swapped == digits:
        raise SystemExit("the average's last two digits are equal: change the seed")
    sheet.cell(last, rank_column - 1, Decimal(swapped))
    book.properties.title = "Số liệu giả lập - Chỉ số CCHC 2024 (hai thang điểm)"
    return save_reproducibly(book, datetime(2024, 12, 20))


PREVIOUS = """\
# Hồ sơ MẪU, SỐ LIỆU GIẢ LẬP: kỳ trước (2023) của fixtures/ha-tinh-2024.yaml, tạo bằng
# tools/make_two_scheme_round.py. Tên đơn vị là thật, mọi điểm số đều giả lập.
năm: 2023
đối tượng: các sở, ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố
cơ quan:
  cơ quan ban hành: |
    ỦY BAN NHÂN DÂN
    TỈNH HÀ TĨNH
  địa danh: Hà Tĩnh
  viết tắt: UBND
  thẩm quyền: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
  tên thẩm quyền: Chủ tịch Ủy ban nhân dân tỉnh
quyết định:
  số: 88
  ngày: 2023-12-20
  trích yếu: Về việc công bố Chỉ số cải cách hành chính năm 2023
  căn cứ: [Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015]
  người ký: {{chức vụ: CHỦ TỊCH, họ tên: Võ Trọng Hải}}
  nơi nhận: [Bộ Nội vụ]
  lưu: VT, NC
thang điểm:
  xếp loại:
    - {{tên: XUẤT SẮC, từ: 90}}
    - {{tên: TỐT, từ: 80, dưới: 90}}
    - {{tên: TRUNG BÌNH, từ: 70, dưới: 80}}
    - {{tên: THẤP, dưới: 70}}
khối:
  - tên khối: khối sở
    mô tả: Các sở, ban, ngành
    gọi tắt: sở
    chủ thể: các sở
    đơn vị:
{departments}
  - tên khối: khối huyện
    mô tả: Ủy ban nhân dân các huyện, thị xã, thành phố
    gọi tắt: huyện
    chủ thể: các huyện, thị xã, thành phố
    đơn vị:
{districts}
báo cáo:
  tên báo cáo: Báo cáo kết quả Chỉ số cải cách hành chính năm 2023
tên phụ lục: KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023
"""


def previous_round() -> str:
    def lines(units: list[tuple[str, str, str | None]]) -> str:
        return "\n".join(f'      - {{tên đơn vị: "{LAST_YEAR_NAME.get(name, name)}", '
                         f'tổng điểm: {old}}}' for name, _, old in units if old is not None)

    return PREVIOUS.format(departments=lines(DEPARTMENTS), districts=lines(DISTRICTS))


def main() -> None:
    rng = random.Random(2024)
    (FIXTURES / "ha-tinh-2024-diem.xlsx").write_bytes(workbook(rng))
    (FIXTURES / "ha-tinh-2023.yaml").write_text(previous_round(), encoding="utf-8")
    print("wrote fixtures/ha-tinh-2024-diem.xlsx and fixtures/ha-tinh-2023.yaml")  # noqa: T201


if __name__ == "__main__":
    main()

"""Write fixtures/thanh-hoa-2024-diem.xlsx: SYNTHETIC unit scores laid out as staff's tables.

The workbook imitates the tables of a provincial report, with the mess real files have:

* "Bảng 1" (khối sở): one header row "STT | Tên đơn vị | Đơn vị tự đánh giá | Điểm thẩm
  định | Điều tra XHH | Tổng điểm | Xếp hạng | Xếp loại", a unit named with "&", scores
  typed as text with a decimal comma and non-breaking spaces, and a "Tổng điểm" typed
  wrong (88,15 where the parts add up to 88,51).
* "Bảng 2" (khối huyện): a two-row merged header, each lĩnh vực over its TĐG and TĐ
  sub-columns, then "Tổng điểm" over TĐG/TĐ, "Điều tra XHH", "Chỉ số CCHC", "Xếp hạng",
  "Xếp loại"; a "Trung bình" row at the bottom; two ranks swapped by hand (Huyện Lang
  Chánh on row 19 says 13, its score ranks 14th) and one band typed wrong (78,03 as TỐT).

Every score is made up (a fixed seed); unit names are real, figures are not.

    .venv/bin/python tools/make_score_workbook.py   # rewrites the fixture, same bytes each time
"""

from __future__ import annotations

import random
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docgen.render.xlsx import save_reproducibly

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "thanh-hoa-2024-diem.xlsx"
CENT = Decimal("0.01")
FIELDS = [("Công tác chỉ đạo, điều hành CCHC", 9),
          ("Xây dựng và tổ chức thực hiện văn bản QPPL", 6),
          ("Cải cách thủ tục hành chính", 10), ("Cải cách tổ chức bộ máy hành chính", 8),
          ("Cải cách chế độ công vụ", 11), ("Cải cách tài chính công", 7),
          ("Xây dựng, phát triển chính quyền điện tử, chính quyền số", 10),
          ("Tác động của CCHC đến người dân, tổ chức", 9)]
BANDS = [(Decimal(90), "XUẤT SẮC"), (Decimal(80), "TỐT"), (Decimal(70), "TRUNG BÌNH"),
         (Decimal(0), "THẤP")]
#: Khối sở: (name, total) in the order of the sheet.
DEPARTMENTS = [("Sở Nội vụ", "93.12"), ("Văn phòng UBND tỉnh", "91.48"), ("Sở Tư pháp", "90.05"),
               ("Ban Quản lý KKT Nghi Sơn & các KCN", "88.51"), ("Sở Tài chính", "87.66"),
               ("Sở Y tế", "85.94"), ("Sở Giáo dục và Đào tạo", "84.30"),
               ("Sở Xây dựng", "82.77"), ("Sở Công Thương", "79.48"), ("Thanh tra tỉnh", "77.15")]
#: Khối huyện, in the order of the sheet; row 13 (Lang Chánh) scores below row 14.
DISTRICTS = [("Thành phố Thanh Hóa", "92.41"), ("Thành phố Sầm Sơn", "90.87"),
             ("Thị xã Bỉm Sơn", "89.76"), ("Thị xã Nghi Sơn", "88.65"),
             ("Huyện Hoằng Hóa", "87.92"), ("Huyện Thọ Xuân", "86.44"),
             ("Huyện Quảng Xương", "85.31"), ("Huyện Yên Định", "84.07"),
             ("Huyện Triệu Sơn", "83.58"), ("Huyện Đông Sơn", "82.19"),
             ("Huyện Hậu Lộc", "81.66"), ("Huyện Thiệu Hóa", "80.34"),
             ("Huyện Lang Chánh", "79.12"), ("Huyện Bá Thước", "79.85"),
             ("Huyện Như Thanh", "78.03"), ("Huyện Mường Lát", "75.40")]


def band(total: Decimal) -> str:
    return next(label for lower, label in BANDS if total >= lower)


def split(total: Decimal, rng: random.Random) -> tuple[Decimal, list[Decimal], list[Decimal]]:
    """Return (survey, appraised per lĩnh vực, self-assessed per lĩnh vực) adding to `total`."""
    survey = (total * Decimal("0.3") - Decimal(rng.randint(0, 150)) / 100).quantize(CENT)
    appraised = total - survey
    parts = [(appraised * m / 70).quantize(CENT) for _, m in FIELDS]
    parts[-1] += appraised - sum(parts)
    own = [min(Decimal(m), p + Decimal(rng.randint(0, 60)) / 100)
           for p, (_, m) in zip(parts, FIELDS, strict=True)]
    return survey, parts, own


def text_score(value: Decimal) -> str:
    """A score typed as text the Vietnamese way, with stray non-breaking spaces."""
    return f"\u00a0{str(value).replace('.', ',')} "


def title(sheet, lines: list[str], width: int) -> None:
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line).font = Font(bold=row == 1)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def departments(sheet, rng: random.Random) -> None:
    title(sheet, ["Bảng 1. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CỦA CÁC SỞ, BAN, NGÀNH",
                  "(SỐ LIỆU GIẢ LẬP, chỉ để kiểm thử docgen)"], 8)
    sheet.append([])
    sheet.append(["STT", "Tên đơn vị", "Đơn vị tự đánh giá", "Điểm thẩm định", "Điều tra XHH",
                  "Tổng điểm", "Xếp hạng", "Xếp loại"])
    totals = [Decimal(t) for _, t in DEPARTMENTS]
    for i, (name, _) in enumerate(DEPARTMENTS):
        total = totals[i]
        survey, _, _ = split(total, rng)
        appraised = total - survey
        own = min(Decimal(70), appraised + Decimal(rng.randint(50, 300)) / 100)
        stated_total = Decimal("88.15") if name.startswith("Ban Quản lý") else total
        rank = 1 + sum(1 for t in totals if t > total)
        sheet.append([i + 1, name, own, text_score(appraised) if i % 3 == 1 else appraised,
                      survey, stated_total, rank, band(total)])
    average = (sum(totals) / len(totals)).quantize(CENT)
    sheet.append(["Trung bình", None, None, None, None, average])


def districts(sheet, rng: random.Random) -> None:
    width = 2 + 2 * len(FIELDS) + 6
    title(sheet, ["Bảng 2", "KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CỦA UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ",
                  "(SỐ LIỆU GIẢ LẬP, chỉ để kiểm thử docgen)"], width)
    top, sub = 5, 6
    heads = ["STT", "Tên đơn vị"]
    for column, text in enumerate(heads, start=1):
        sheet.cell(top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    column = 3
    for name, maximum in [*FIELDS, ("Tổng điểm", 70)]:
        sheet.cell(top, column, f"{name} ({maximum} điểm)" if name != "Tổng điểm" else name)
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
        sheet.cell(sub, column, "TĐG")
        sheet.cell(sub, column + 1, "TĐ")
        column += 2
    for text in ("Điều tra XHH", "Chỉ số CCHC", "Xếp hạng", "Xếp loại"):
        sheet.cell(top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
        column += 1
    for row in (top, sub):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    totals = []
    for i, (name, total_text) in enumerate(DISTRICTS):
        total = Decimal(total_text)
        totals.append(total)
        survey, parts, own = split(total, rng)
        row: list[object] = [i + 1, name.replace("Huyện Bá", "Huyện\u00a0Bá")]
        for j, (p, o) in enumerate(zip(parts, own, strict=True)):
            row += [o, text_score(p) if (i + j) % 7 == 3 else p]
        row += [sum(own), total - survey, survey, total, i + 1,
                "TỐT" if name == "Huyện Như Thanh" else band(total)]
        sheet.append(row)
    average = (sum(totals) / len(totals)).quantize(CENT)
    sheet.append(["Trung bình"] + [None] * (width - 4) + [average])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=2)


def main() -> None:
    rng = random.Random(2024)
    workbook = Workbook()
    first = workbook.active
    first.title = "Bảng 1"
    departments(first, rng)
    districts(workbook.create_sheet("Bảng 2"), rng)
    workbook.properties.title = "Số liệu giả lập - Chỉ số CCHC 2024"
    OUT.write_bytes(save_reproducibly(workbook, datetime(2024, 12, 20)))
    print(f"wrote {OUT}")  # noqa: T201


if __name__ == "__main__":
    main()

"""Write hand-made reports with PLANTED MISTAKES, to test ``docgen audit`` (synthetic).

The report imitates the Báo cáo a clerk types by hand for the Hà Tĩnh 2024 round
(fixtures/ha-tinh-2024.yaml; every score there is synthetic). Most statements are right;
the mistakes listed in PLANTED are typed in on purpose, one or more of each kind
hand-made reports carry: a percentage truncated instead of rounded, an average truncated,
a swapped pair of units in a table, a miscount, a wrong unit named as lowest, a
percentage copied from another paragraph, a share forced so that the shares add up to
100, a fraction and a wrong percentage for it, a wrong rank, a count of units at a
maximum, a range, "không có đơn vị nào …", a list shorter than its count.

It writes the same report four ways (fixtures/audit/): Markdown with a table, plain text
cut in short lines with blank lines between (as text copied out of a PDF arrives), Word
(.docx, python-docx) and PDF (the .docx converted by LibreOffice, when it is installed),
and planted.json: for each planted mistake, the quotes the audit must call "sai".

    .venv/bin/python tools/make_audit_reports.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from docx import Document

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
NAME = "ha-tinh-2024-bao-cao"

TITLE = ("BÁO CÁO KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024 (BẢN SOẠN TAY MẪU, SỐ LIỆU GIẢ "
         "LẬP, CÓ LỖI CỐ Ý ĐỂ KIỂM THỬ)")

#: (kind, text) in reading order: "h" heading, "p" paragraph, "t" table (rows).
REPORT: list[tuple[str, object]] = [
    ("h", "II. TỔ CHỨC ĐIỀU TRA XÃ HỘI HỌC"),
    ("p", "- Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,8% số phiếu phát ra."),
    ("p", "- Số phiếu hợp lệ là 1.000/1.000 phiếu điều tra (đạt 100%)."),
    ("p", "- Trong 09 đơn vị cấp xã làm thí điểm phiếu điện tử: có 02/09 đơn vị chiếm tỷ lệ "
          "22,23% trả lời trong tuần đầu, có 03/09 đơn vị chiếm tỷ lệ 33,33% trả lời trong "
          "tuần thứ hai, có 04/09 đơn vị chiếm tỷ lệ 44,44% trả lời sau đó."),
    ("h", "III. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024"),
    ("h", "1. Đối với khối sở"),
    ("p", "Tổng điểm trung bình của các sở đạt: 86,04/100 điểm, tăng 1,12 điểm so với năm 2023."),
    ("p", "- Mức XUẤT SẮC tương ứng với kết quả Chỉ số CCHC đạt từ 90% trở lên: có 02/08 đơn vị "
          "chiếm tỷ lệ 25,00% (Sở Nội vụ, Sở Tư pháp)."),
    ("p", "- Mức TỐT tương ứng với kết quả Chỉ số CCHC đạt từ 80% - dưới 90%: có 05/08 đơn vị "
          "chiếm tỷ lệ 62,50% (Văn phòng UBND tỉnh, Sở Tài chính, Sở Y tế, Sở Xây dựng, Sở Công "
          "Thương)."),
    ("p", "- Mức TRUNG BÌNH tương ứng với kết quả Chỉ số CCHC đạt từ 70% - dưới 80%: có 01/08 "
          "đơn vị chiếm tỷ lệ 12,50% (Thanh tra tỉnh)."),
    ("p", "- Không có đơn vị nào đạt mức THẤP."),
    ("p", "- Đơn vị đạt điểm cao nhất: Sở Nội vụ (92,64/100 điểm); đơn vị đạt điểm thấp nhất: "
          "Thanh tra tỉnh (78,53/100 điểm); khoảng cách giữa điểm cao nhất và thấp nhất là "
          "14,11 điểm; có 04/08 đơn vị đạt điểm thấp hơn điểm trung bình."),
    ("p", "- Công tác chỉ đạo, điều hành CCHC: điểm trung bình đạt 8,66/10 điểm."),
    ("p", "- Cải cách thủ tục hành chính: điểm trung bình đạt 10,39/12 điểm (86,58% điểm tối "
          "đa)."),
    ("p", "- Sở Tư pháp xếp thứ 2; Sở Xây dựng (83,09 điểm) xếp thứ 6."),
    ("t", [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"],
           ["1", "Sở Nội vụ", "92,64", "1", "XUẤT SẮC"],
           ["2", "Sở Tư pháp", "90,37", "2", "XUẤT SẮC"],
           ["3", "Văn phòng UBND tỉnh", "89,85", "3", "TỐT"],
           ["4", "Sở Tài chính", "85,42", "4", "TỐT"],
           ["5", "Sở Y tế", "87,16", "5", "TỐT"],
           ["6", "Sở Xây dựng", "83,09", "6", "TỐT"],
           ["7", "Sở Công Thương", "81,28", "7", "TỐT"],
           ["8", "Thanh tra tỉnh", "78,53", "8", "TRUNG BÌNH"],
           ["", "Trung bình", "86,04", "", ""]]),
    ("h", "2. Đối với khối huyện"),
    ("p", "Tổng điểm trung bình của UBND các huyện, thị xã, thành phố đạt: 84,23/100 điểm."),
    ("p", "- Mức XUẤT SẮC tương ứng với kết quả Chỉ số CCHC đạt từ 90% trở lên: có 01/13 đơn vị "
          "chiếm tỷ lệ 7,69% (Thành phố Hà Tĩnh)."),
    ("p", "- Mức TỐT tương ứng với kết quả Chỉ số CCHC đạt từ 80% - dưới 90%: có 10/13 đơn vị "
          "chiếm tỷ lệ 76,92% (Thị xã Hồng Lĩnh, Huyện Can Lộc, Huyện Thạch Hà, Huyện Đức Thọ, "
          "Thị xã Kỳ Anh, Huyện Nghi Xuân, Huyện Cẩm Xuyên, Huyện Hương Sơn, Huyện Hương Khe)."),
    ("p", "- Mức TRUNG BÌNH tương ứng với kết quả Chỉ số CCHC đạt từ 70% - dưới 80%: có 03/13 "
          "đơn vị chiếm tỷ lệ 76,92% (Huyện Lộc Hà, Huyện Kỳ Anh, Huyện Vũ Quang)."),
    ("p", "- Đơn vị đạt điểm thấp nhất là Huyện Kỳ Anh (75,18 điểm)."),
    ("p", "- Thị xã Kỳ Anh xếp thứ 5; Huyện Can Lộc (88,21 điểm), Huyện Thạch Hà (87,54 điểm) "
          "đứng sau Thị xã Hồng Lĩnh."),
    ("p", "- Tác động của CCHC đến người dân, tổ chức: điểm trung bình đạt 9,41/11 điểm; Thành "
          "phố Hà Tĩnh đạt 10,41/11 điểm (95%)."),
    ("p", "- Cải cách tài chính công: Huyện Vũ Quang đạt 4,61/6 điểm (75%)."),
    ("p", "- Công tác chỉ đạo, điều hành CCHC: các huyện đạt từ 6,17–7,33 điểm."),
    ("p", "- Cải cách chế độ công vụ: có 02 huyện đạt điểm tối đa."),
    ("p", "- Xây dựng, phát triển chính quyền điện tử, chính quyền số: các huyện đạt từ "
          "9,5–11,5 điểm."),
    ("p", "- Có 03 đơn vị xếp loại TRUNG BÌNH (Huyện Lộc Hà, Huyện Kỳ Anh)."),
    ("p", "- Năm 2023, Huyện Hương Khê đạt 80,27 điểm, xếp thứ 10 của khối."),
]

#: Each planted mistake: what it is, and the start of every quote the audit must call "sai".
PLANTED = [
    ("tỷ lệ phiếu thu về làm tròn sai (95,88% ghi 95,8%: cắt thay vì làm tròn)",
     ["1.000/1.043 phiếu, đạt 95,8%"]),
    ("tỷ lệ bị ép cho các tỷ lệ cộng lại đủ 100% (2/9 là 22,22%, phần dư lớn nhất ở 4/9)",
     ["02/09 đơn vị chiếm tỷ lệ 22,23%"]),
    ("điểm trung bình lĩnh vực bị cắt thay vì làm tròn (8,665 ghi 8,66)",
     ["điểm trung bình đạt 8,66/10 điểm"]),
    ("hai đơn vị bị đổi chỗ trong bảng (Sở Tài chính 87,16 và Sở Y tế 85,42)",
     ["Sở Tài chính: 85,42", "Sở Y tế: 87,16"]),
    ("đếm sai số đơn vị đạt mức TỐT (09 ghi 10)",
     ["có 10/13 đơn vị", "10/13 đơn vị chiếm tỷ lệ 76,92%", "chiếm tỷ lệ 76,92%",
      "có 10/13 đơn vị chiếm tỷ lệ 76,92% (Thị xã"]),
    ("tỷ lệ chép từ đoạn khác (03/13 là 23,08%, ghi 76,92% của đoạn trên)",
     ["03/13 đơn vị chiếm tỷ lệ 76,92%", "chiếm tỷ lệ 76,92%"]),
    ("nêu sai đơn vị thấp nhất (Huyện Vũ Quang, không phải Huyện Kỳ Anh)",
     ["thấp nhất là Huyện Kỳ Anh (75,18 điểm)"]),
    ("xếp hạng sai (Thị xã Kỳ Anh thứ 6)", ["Thị xã Kỳ Anh xếp thứ 5"]),
    ("phân số và phần trăm không khớp (4,61/6 là 76,83%, ghi 75%)",
     ["4,61/6 điểm (75%"]),
    ("đếm sai số đơn vị đạt điểm tối đa (không có đơn vị nào)",
     ["có 02 huyện đạt điểm tối đa"]),
    ("khoảng điểm không chứa mọi đơn vị (thấp nhất 9,44)", ["đạt từ 9,5–11,5 điểm"]),
    ("số tên liệt kê ít hơn số đơn vị nêu (03 đơn vị, 02 tên; thiếu Huyện Vũ Quang)",
     ["Có 03 đơn vị xếp loại TRUNG BÌNH (Huyện Lộc Hà, Huyện Kỳ Anh)",
      "(Huyện Lộc Hà, Huyện Kỳ Anh)"]),
]


def markdown() -> str:
    lines = [f"# {TITLE}", ""]
    for kind, item in REPORT:
        if kind == "h":
            lines += [f"## {item}", ""]
        elif kind == "p":
            lines += [str(item), ""]
        else:
            rows = item  # type: ignore[assignment]
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
            lines.append("")
    return "\n".join(lines)


def plain_text() -> str:
    """Like text taken out of a PDF: short lines, a blank line after each; a table's rows
    one line each, cells separated by blanks."""
    out = [TITLE, ""]
    for kind, item in REPORT:
        if kind == "t":
            out += [" ".join(cell for cell in row if cell) for row in item]  # type: ignore[union-attr]
            out.append("")
            continue
        for line in textwrap.wrap(str(item), 78):
            out += [line, ""]
    return "\n".join(out)


def docx() -> bytes:
    document = Document()
    document.core_properties.title = "Báo cáo mẫu có lỗi cố ý (số liệu giả lập)"
    document.core_properties.author = "docgen"
    document.add_paragraph(TITLE)
    for kind, item in REPORT:
        if kind == "h":
            document.add_paragraph(str(item), style="Heading 2")
        elif kind == "p":
            document.add_paragraph(str(item))
        else:
            rows = item  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.docx"
        document.save(path)
        return path.read_bytes()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{NAME}.md").write_text(markdown(), encoding="utf-8")
    (OUT / f"{NAME}.txt").write_text(plain_text(), encoding="utf-8")
    (OUT / f"{NAME}.docx").write_bytes(docx())
    planted = [{"mistake": what, "quotes": quotes} for what, quotes in PLANTED]
    (OUT / "planted.json").write_text(json.dumps(planted, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(OUT),
                        str(OUT / f"{NAME}.docx")], check=True, capture_output=True, timeout=300)
    else:
        print("soffice not found: the PDF was not written", file=sys.stderr)  # noqa: T201
    print(f"wrote {OUT}")  # noqa: T201


if __name__ == "__main__":
    main()

"""Write the two-round fixture fixtures/son-la-2023.yaml and fixtures/son-la-2022.yaml.

Facts from the published 2023 decision and report of Sơn La (20 sở, 12 huyện): the unit
names, the rank order and groups, the block averages (85,97 and 85,84) and their change
from 2022 (-5,22 and -2,1), the lĩnh vực names and maxima of the sở criteria, the best
units of some fields, the rank moves of several units ("tăng 8 bậc", "giảm 3 bậc").
Everything else is SYNTHETIC and the files say so: the unit totals (made to reproduce the
facts above), the split into lĩnh vực, the self-assessment (TĐG), the 2022 round, and five
deliberate test cases: a unit new in 2023 (Ban Quản lý các khu công nghiệp tỉnh), a unit
gone after 2022 (Ban Quản lý dự án đầu tư xây dựng tỉnh, the only 2022 unit in Nhóm C, so
that group goes from one unit to none), a unit renamed through the explicit mapping (Sở
Giao thông - Vận tải → Sở Giao thông vận tải), ties for best and worst in some fields.

    python tools/make_son_la_2023.py      # rewrites both files, same bytes every run
"""

from __future__ import annotations

import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CENT = Decimal("0.01")
D = Decimal

# Lĩnh vực of the sở criteria set 2023, maxima as published except the last one: the
# published maxima add up to 99,5 (an OCR or typing slip); 10,5 makes them add up to 100.
FIELDS = [
    ("cd", "Công tác chỉ đạo, điều hành cải cách hành chính", D("11.5")),
    ("tc", "Cải cách thể chế", D("10.5")),
    ("tthc", "Cải cách thủ tục hành chính", D("14")),
    ("bm", "Cải cách tổ chức bộ máy hành chính", D("12.5")),
    ("cv", "Cải cách công vụ", D("12")),
    ("tcc", "Cải cách tài chính công", D("11.5")),
    ("cqs", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", D("17.5")),
    ("td", "Tác động của cải cách hành chính đến người dân, tổ chức", D("10.5")),
]
MAXES = [m for _, _, m in FIELDS]
#: Published 2023 averages per field of the sở block (weights of the synthetic split).
SO_WEIGHTS = [D(x) for x in ("7.69", "9.67", "12.1", "11.86", "11", "10.55", "13.47", "9.54")]
#: Published 2023 huyện averages, brought from the huyện maxima to the shared ones.
HUYEN_WEIGHTS = [D(a) / D(m) * own for a, m, own in zip(
    ("8.39", "8.9", "12.02", "11.77", "10.29", "10.35", "10.78", "13.34"),
    ("11", "10", "13", "12.5", "11.5", "12", "14.5", "15.5"), MAXES, strict=True)]

# 2023, rank order. Totals: first and last as published, the rest synthetic.
SO_2023 = [
    ("Sở Giao thông vận tải", "95.44"), ("Sở Nội vụ", "91.30"), ("Sở Tài chính", "88.40"),
    ("Văn phòng UBND tỉnh", "88.20"), ("Sở Giáo dục và Đào tạo", "87.85"),
    ("Sở Tư pháp", "87.50"), ("Sở Công Thương", "87.20"), ("Ban Dân tộc tỉnh", "86.90"),
    ("Sở Kế hoạch và Đầu tư", "86.60"), ("Thanh tra tỉnh", "86.30"),
    ("Ban Quản lý các khu công nghiệp tỉnh", "86.05"),
    ("Sở Thông tin và Truyền thông", "85.10"), ("Sở Khoa học và Công nghệ", "84.60"),
    ("Sở Văn hóa, Thể thao và Du lịch", "84.10"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "83.60"),
    ("Sở Lao động, Thương binh và Xã hội", "83.05"), ("Sở Xây dựng", "82.50"),
    ("Sở Y tế", "82.00"), ("Sở Tài nguyên và Môi trường", "81.50"), ("Sở Ngoại vụ", "81.20"),
]
# 2022 rank of each 2023 unit (None: new in 2023); the 2022-only unit is ranked 20th.
SO_2022_RANK = {
    "Sở Giao thông vận tải": 1, "Sở Nội vụ": 2, "Sở Tài chính": 5, "Văn phòng UBND tỉnh": 3,
    "Sở Giáo dục và Đào tạo": 7, "Sở Tư pháp": 6, "Sở Công Thương": 4, "Ban Dân tộc tỉnh": 9,
    "Sở Kế hoạch và Đầu tư": 17, "Thanh tra tỉnh": 10,
    "Sở Thông tin và Truyền thông": 14, "Sở Khoa học và Công nghệ": 11,
    "Sở Văn hóa, Thể thao và Du lịch": 12, "Sở Nông nghiệp và Phát triển nông thôn": 8,
    "Sở Lao động, Thương binh và Xã hội": 19, "Sở Xây dựng": 13, "Sở Y tế": 15,
    "Sở Tài nguyên và Môi trường": 16, "Sở Ngoại vụ": 18,
}
SO_REMOVED = ("Ban Quản lý dự án đầu tư xây dựng tỉnh", "68.40")
#: 2022 totals by 2022 rank (1..19); synthetic, each unit lower in 2023 except one.
SO_2022_TOTALS = ["97.70", "96.70", "96.10", "95.60", "95.10", "94.60", "94.20", "93.75",
                  "93.10", "92.60", "92.10", "91.60", "91.10", "90.60", "90.30", "90.05",
                  "89.20", "88.10", "82.90"]

HUYEN_2023 = [
    ("UBND thành phố Sơn La", "93.14"), ("UBND huyện Mộc Châu", "91.50"),
    ("UBND huyện Sông Mã", "90.20"), ("UBND huyện Yên Châu", "88.60"),
    ("UBND huyện Phù Yên", "86.80"), ("UBND huyện Mường La", "85.70"),
    ("UBND huyện Mai Sơn", "84.60"), ("UBND huyện Vân Hồ", "83.90"),
    ("UBND huyện Thuận Châu", "81.60"), ("UBND huyện Quỳnh Nhai", "81.50"),
    ("UBND huyện Sốp Cộp", "81.30"), ("UBND huyện Bắc Yên", "81.24"),
]
#: 2022 rank and total of each huyện (rank moves as published; totals synthetic, with
#: Phù Yên +4,78 and Mai Sơn -8,48 as published). The 2022 file writes the city's name in
#: another case, which the name matching must absorb.
HUYEN_2022 = {
    "UBND huyện Sông Mã": (1, "94.90"), "UBND huyện Mộc Châu": (2, "94.40"),
    "UBND Thành phố Sơn La": (3, "93.73"), "UBND huyện Mai Sơn": (4, "93.08"),
    "UBND huyện Yên Châu": (5, "91.40"), "UBND huyện Mường La": (6, "89.75"),
    "UBND huyện Vân Hồ": (7, "88.20"), "UBND huyện Sốp Cộp": (8, "82.80"),
    "UBND huyện Phù Yên": (9, "82.02"), "UBND huyện Thuận Châu": (10, "81.90"),
    "UBND huyện Quỳnh Nhai": (11, "81.70"), "UBND huyện Bắc Yên": (12, "81.40"),
}
RENAMED = {"Sở Giao thông vận tải": "Sở Giao thông - Vận tải"}  # this year: last year

#: Ties written on purpose: (field key, value as a share of the maximum, units).
TIES_2023 = {
    "khối sở": [("td", "max", ["Ban Dân tộc tỉnh", "Ban Quản lý các khu công nghiệp tỉnh"]),
                ("tthc", "9.5", ["Sở Y tế", "Sở Ngoại vụ"])],
    "khối huyện": [("tthc", "max", ["UBND huyện Sông Mã", "UBND huyện Mộc Châu"])],
}


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split(total: Decimal, weights: list[Decimal], rng: random.Random,
          fixed: dict[int, Decimal]) -> list[Decimal]:
    """Split `total` into field scores near `weights`, within the maxima, adding up exactly.

    Fields in `fixed` get their given value; the others share the rest.
    """
    free = [i for i in range(len(MAXES)) if i not in fixed]
    rest = total - sum(fixed.values(), D(0))
    scale = rest / sum(weights[i] for i in free)
    values = {i: fixed[i] for i in fixed}
    for i in free:
        noise = D(rng.randint(-40, 40)) / 100 * MAXES[i] / 12
        ceiling = MAXES[i] - D(rng.randint(5, 60)) / 100
        values[i] = min(ceiling, max(D(0), q(weights[i] * scale + noise)))
    for _ in range(1000):  # push the rounding residue into fields with room
        residue = total - sum(values.values(), D(0))
        if residue == 0:
            break
        step = CENT if residue > 0 else -CENT
        for i in sorted(free, key=lambda i: -(MAXES[i] - values[i]) * step):
            if D(0) <= values[i] + step <= MAXES[i] and (i not in fixed):
                values[i] += step
                break
    assert sum(values.values(), D(0)) == total, (total, values)
    assert all(D(0) <= values[i] <= MAXES[i] for i in values)
    return [values[i] for i in range(len(MAXES))]


def self_split(fields: list[Decimal], rng: random.Random) -> list[Decimal]:
    """Self-assessed scores: as high or higher than the appraisal, within the maxima."""
    return [min(m, f + D(rng.randint(0, 60)) / 100) for f, m in zip(fields, MAXES, strict=True)]


def units_yaml(rows: list[tuple[str, Decimal]], weights: list[Decimal], rng: random.Random,
               ties: list, with_self: bool) -> list[str]:
    keys = [k for k, _, _ in FIELDS]
    out = []
    for name, total in rows:
        fixed = {}
        for key, value, names in ties:
            if name in names:
                i = keys.index(key)
                fixed[i] = MAXES[i] if value == "max" else D(value)
        fields = split(total, weights, rng, fixed)
        scores = ", ".join(f"{k}: {v}" for k, v in zip(keys, fields, strict=True))
        out.append(f"      - tên đơn vị: {name}")
        out.append(f"        điểm lĩnh vực: {{{scores}}}")
        if with_self:
            own = self_split(fields, rng)
            own_text = ", ".join(f"{k}: {v}" for k, v in zip(keys, own, strict=True))
            out.append(f"        điểm tự đánh giá: {sum(own, D(0))}")
            out.append(f"        tự đánh giá lĩnh vực: {{{own_text}}}")
    return out


HEADER = """\
# Hồ sơ công bố Chỉ số CCHC năm {year} của tỉnh Sơn La (bộ dữ liệu mẫu hai kỳ liên tiếp).
#
# TỆP NÀY DO tools/make_son_la_2023.py TẠO RA; sửa tệp đó rồi chạy lại, không sửa tay.
# Theo Báo cáo công bố năm 2023 đã ban hành: tên đơn vị, thứ tự và nhóm xếp loại, điểm
# trung bình các khối, mức giảm so với năm 2022, tên và điểm tối đa các lĩnh vực.
# SỐ LIỆU GIẢ LẬP: điểm từng đơn vị, điểm từng lĩnh vực, điểm tự đánh giá, toàn bộ kỳ 2022,
# một đơn vị mới, một đơn vị không còn đánh giá và một đơn vị đổi tên (để kiểm thử).
# Điểm tối đa lĩnh vực cuối là 10,5 (bản công bố ghi 10, khiến tổng chỉ còn 99,5).
# Cả hai khối dùng chung một bộ lĩnh vực của khối sở (thang điểm có một bộ lĩnh vực).

năm: {year}
đối tượng: các sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố

cơ quan:
  cơ quan ban hành: |
    ỦY BAN NHÂN DÂN
    TỈNH SƠN LA
  địa danh: Sơn La
  viết tắt: UBND
  thẩm quyền: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
  tên thẩm quyền: Chủ tịch Ủy ban nhân dân tỉnh

quyết định:
  số: {number}
  ngày: {date}
  trích yếu: |
    Về việc công bố Chỉ số cải cách hành chính năm {year} của các sở,
    ban, ngành, Ủy ban nhân dân các huyện, thành phố
  căn cứ:
    - Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015
    - loại: Nghị quyết
      số: 76/NQ-CP
      ngày: 2021-07-15
      cơ quan: Chính phủ
      trích yếu: ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030
    - loại: Quyết định
      số: 880/QĐ-UBND
      ngày: 2021-05-12
      cơ quan: UBND tỉnh
      trích yếu: ban hành Đề án xác định Chỉ số cải cách hành chính của các sở, ban, ngành, UBND các huyện, thành phố giai đoạn 2021-2025
  theo đề nghị: Theo đề nghị của Giám đốc Sở Nội vụ
  tổ chức thực hiện: >-
    Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, ban, ngành; Chủ tịch Ủy ban
    nhân dân các huyện, thành phố
  người ký:
    quyền hạn: KT.
    chức vụ người đứng đầu: CHỦ TỊCH
    chức vụ: PHÓ CHỦ TỊCH
    họ tên: Đặng Ngọc Hậu
  nơi nhận:
    - Bộ Nội vụ
    - Thường trực Tỉnh ủy
    - Thường trực HĐND tỉnh
    - Như Điều 3
  lưu: VT, NC

thang điểm:
  điểm tối đa: 100
  lĩnh vực:
{fields}
  xếp loại:
    - {{tên: A, từ: 90}}
    - {{tên: B, từ: 70, dưới: 90}}
    - {{tên: C, từ: 50, dưới: 70}}
    - {{tên: D, dưới: 50}}
  tên gọi mức: Nhóm
  đơn vị khoảng: điểm
  số lẻ điểm: 2
  số lẻ tỷ lệ: 2
{previous}
khối:
  - tên khối: khối sở
    mô tả: Các sở, ban, ngành
    gọi tắt: sở
    chủ thể: các sở
    bộ tiêu chí: {{lĩnh vực: 8, tiêu chí: 41, tiêu chí thành phần: 73}}
    đơn vị:
{so}
  - tên khối: khối huyện
    mô tả: Ủy ban nhân dân các huyện, thành phố
    gọi tắt: huyện
    chủ thể: các huyện
    bộ tiêu chí: {{lĩnh vực: 8, tiêu chí: 41, tiêu chí thành phần: 91}}
    đơn vị:
{huyen}

báo cáo:
  tên báo cáo: |
    Kết quả xác định Chỉ số cải cách hành chính năm {year} của các sở,
    ban, ngành, Ủy ban nhân dân các huyện, thành phố
  văn bản bộ tiêu chí: Quyết định số 1478/QĐ-UBND
  căn cứ xếp loại:
    - >-
      Năm {year}, các cơ quan, đơn vị tiếp tục thực hiện các nhiệm vụ cải cách hành chính
      trọng tâm; kết quả dưới đây tính từ điểm thẩm định của từng lĩnh vực.
  nhận xét đánh giá:
    - tiêu đề: Những kết quả đạt được
      nội dung:
        - Các cơ quan, đơn vị tự đánh giá, chấm điểm đúng thời hạn trên phần mềm.
    - tiêu đề: Tồn tại, hạn chế
      nội dung:
        - Một số đơn vị tự chấm điểm cao hơn kết quả thẩm định ở nhiều lĩnh vực.
  phương hướng:
    - tiêu đề: Các sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố
      nội dung:
        - "- Phân tích kết quả theo từng lĩnh vực, khắc phục những lĩnh vực đạt điểm thấp./."

tên phụ lục: |
  KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}
  CỦA CÁC SỞ, BAN, NGÀNH, ỦY BAN NHÂN DÂN CÁC HUYỆN, THÀNH PHỐ
"""


def fields_yaml() -> str:
    return "\n".join(f"    - {{mã: {k}, tên: \"{n}\", điểm tối đa: {m}}}" for k, n, m in FIELDS)


def build() -> dict[Path, str]:
    rng = random.Random(2023)
    so23 = [(n, D(t)) for n, t in SO_2023]
    huyen23 = [(n, D(t)) for n, t in HUYEN_2023]
    assert q(sum(t for _, t in so23) / len(so23)) == D("85.97")
    assert q(sum(t for _, t in huyen23) / len(huyen23)) == D("85.84")
    mapping = "\n".join(f"    {new}: {old}" for new, old in RENAMED.items())
    text23 = HEADER.format(
        year=2023, number=124, date="2024-01-16", fields=fields_yaml(),
        previous=f"\nkỳ trước:\n  tệp: son-la-2022.yaml\n  ánh xạ:\n{mapping}\n",
        so="\n".join(units_yaml(so23, SO_WEIGHTS, rng, TIES_2023["khối sở"], True)),
        huyen="\n".join(units_yaml(huyen23, HUYEN_WEIGHTS, rng, TIES_2023["khối huyện"],
                                   True)))

    by_rank = {r: n for n, r in SO_2022_RANK.items()}
    so22 = [(RENAMED.get(by_rank[r], by_rank[r]), D(SO_2022_TOTALS[r - 1]))
            for r in range(1, 20)]
    so22.append((SO_REMOVED[0], D(SO_REMOVED[1])))
    assert all(a[1] > b[1] for a, b in zip(so22, so22[1:])), "2022 totals must fall by rank"
    assert q(sum(t for _, t in so22) / len(so22)) == D("91.19")
    huyen22 = sorted(((n, D(t)) for n, (_, t) in HUYEN_2022.items()),
                     key=lambda x: HUYEN_2022[x[0]][0])
    assert all(a[1] > b[1] for a, b in zip(huyen22, huyen22[1:]))
    assert q(sum(t for _, t in huyen22) / len(huyen22)) == D("87.94")
    text22 = HEADER.format(
        year=2022, number=95, date="2023-01-13", fields=fields_yaml(), previous="",
        so="\n".join(units_yaml(so22, SO_WEIGHTS, rng, [], False)),
        huyen="\n".join(units_yaml(huyen22, HUYEN_WEIGHTS, rng, [], False)))
    text22 = text22.replace("(bộ dữ liệu mẫu hai kỳ liên tiếp)", "(kỳ trước của son-la-2023.yaml)")
    return {ROOT / "fixtures" / "son-la-2023.yaml": text23,
            ROOT / "fixtures" / "son-la-2022.yaml": text22}


def main() -> int:
    for path, text in build().items():
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Loading dossiers: both fixtures, Vietnamese and English keys, exact decimals."""

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.model.dossier import Citation, Dossier
from docgen.model.loader import load_data, load_dossier, parse_text
from docgen.model.types import parse_score

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SON_LA = FIXTURES / "son-la-2025.yaml"
PHU_YEN = FIXTURES / "phu-yen-2022.yaml"


def son_la_text():
    return SON_LA.read_text(encoding="utf-8")


def phu_yen_text():
    return PHU_YEN.read_text(encoding="utf-8")


def write(tmp_path, text, name="ho-so.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("path", "year", "unit_counts"),
    [(SON_LA, 2025, [15, 75]), (PHU_YEN, 2022, [27])],
)
def test_it_loads_both_fixtures(path, year, unit_counts):
    dossier = load_dossier(path)
    assert isinstance(dossier, Dossier)
    assert dossier.year == year
    assert [len(b.units) for b in dossier.blocks] == unit_counts


def test_it_reads_the_son_la_decision_as_a_draft_with_citations():
    dossier = load_dossier(SON_LA)
    decision = dossier.decision
    assert decision.number is None
    assert decision.date == "2025-12"
    assert decision.signer.authority == "KT."
    assert decision.signer.name == "Nguyễn Thành Công"
    assert decision.bases[0] == (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025")
    assert isinstance(decision.bases[1], Citation)
    assert (decision.bases[1].number, decision.bases[1].date) == ("76/NQ-CP", "2021-07-15")
    assert dossier.issuer.name == ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"]
    assert decision.subject_lines == [
        "Về việc công bố Chỉ số cải cách hành chính năm 2025",
        "của các sở, ban, ngành, Ủy ban nhân dân các xã, phường",
    ]
    assert decision.archive == "VT, NC"


def test_it_reads_son_la_component_scores_as_exact_decimals():
    dossier = load_dossier(SON_LA)
    unit = dossier.blocks[0].units[0]
    assert unit.name == "Sở Xây dựng"
    assert unit.total is None
    assert unit.scores == {"tham_dinh": Decimal("67.94"), "xhh": Decimal("28.69")}
    assert all(type(v) is Decimal for v in unit.scores.values())
    assert [c.max for c in dossier.scheme.components] == [Decimal(70), Decimal(30)]
    assert dossier.scheme.survey_component == "xhh"
    survey = dossier.survey
    assert (survey.issued, survey.returned, survey.valid) == (1043, 1000, 1000)


def test_it_reads_the_phu_yen_scheme():
    dossier = load_dossier(PHU_YEN)
    scheme = dossier.scheme
    assert dossier.decision.number == 15
    assert dossier.decision.date == "2023-01-16"
    assert (scheme.band_term, scheme.tie_rule, scheme.share_decimals) == ("Nhóm", "dense", 1)
    assert [(b.label, b.lower, b.upper) for b in scheme.bands] == [
        ("A", Decimal(90), None), ("B", Decimal(70), Decimal(90)),
        ("C", Decimal(50), Decimal(70)), ("D", None, Decimal(50)),
    ]
    assert dossier.survey is None
    huy_bac = dossier.blocks[0].units[4]
    assert huy_bac.name == "Huy Bắc"
    assert str(huy_bac.total) == "68.8"


@pytest.mark.parametrize(
    ("written", "value"),
    [("85.025", "85.025"), ("19.325", "19.325"), ("2.675", "2.675"), ("0.1", "0.1"),
     ("70", "70"), ("68.80", "68.80"), ('"90,82"', "90.82"), ('"77,14"', "77.14")],
)
def test_it_keeps_yaml_numbers_exact(tmp_path, written, value):
    text = phu_yen_text().replace("tổng điểm: 77.14}", f"tổng điểm: {written}}}", 1)
    total = load_dossier(write(tmp_path, text)).blocks[0].units[0].total
    assert type(total) is Decimal
    assert total == Decimal(value)
    assert str(total) == value


def test_it_accepts_a_vietnamese_comma_score_in_block_style(tmp_path):
    text = phu_yen_text().replace(
        "      - {tên đơn vị: Tường Phù, tổng điểm: 77.14}\n",
        "      - tên đơn vị: Tường Phù\n        tổng điểm: 90,82\n",
    )
    assert load_dossier(write(tmp_path, text)).blocks[0].units[0].total == Decimal("90.82")


@pytest.mark.parametrize(
    ("original", "variant"),
    [
        ("cơ quan ban hành:", "Cơ_quan_ban_hành:"),
        ("  địa danh:", "  ĐỊA DANH:"),
        ("thang điểm:", "Thang_Điểm:"),
        ("  phiếu phát ra:", "  Phiếu_Phát_Ra:"),
        ("tên phụ lục:", "TÊN  PHỤ   LỤC:"),
        ("quyết định:", unicodedata.normalize("NFD", "quyết định:")),
    ],
)
def test_it_accepts_vietnamese_keys_in_any_case_or_with_underscores(tmp_path, original, variant):
    text = son_la_text()
    assert original in text
    changed = text.replace(original, variant, 1)
    assert changed != text
    assert load_dossier(write(tmp_path, changed)) == load_dossier(SON_LA)


def test_it_accepts_every_unit_key_written_another_way(tmp_path):
    text = son_la_text().replace("tên đơn vị:", "Tên_Đơn_Vị:")
    text = text.replace("điểm thành phần:", "ĐIỂM THÀNH PHẦN:")
    assert load_dossier(write(tmp_path, text)) == load_dossier(SON_LA)


ENGLISH = """\
year: 2024
subject: các sở
issuer:
  name: [ỦY BAN NHÂN DÂN, TỈNH THỬ]
  place: Thử
  abbreviation: UBND
  authority: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
  authority_name: Chủ tịch Ủy ban nhân dân tỉnh
decision:
  number: 7
  date: 2025-02-05
  subject_lines: [Về việc công bố Chỉ số cải cách hành chính năm 2024]
  bases:
    - Căn cứ Luật Tổ chức chính quyền địa phương
    - {type: Quyết định, number: 1/QĐ-UBND, date: 2024-01-02, issuer: UBND tỉnh}
  signer: {title: CHỦ TỊCH, name: Nguyễn Văn A}
  recipients: [Bộ Nội vụ]
  executors: Giám đốc Sở Nội vụ
  archive: VT
scheme:
  bands:
    - {label: TỐT, lower: 80}
    - {label: KHÁ, upper: 80}
blocks:
  - name: khối sở
    description: Các sở
    short_name: sở
    subject: các sở
    units:
      - {name: Sở A, total: 85.025}
      - {name: Sở B, total: "79,5"}
report:
  title_lines: [Báo cáo thử]
appendix_title: [PHỤ LỤC THỬ]
"""

VIETNAMESE = """\
năm: 2024
đối tượng: các sở
cơ quan:
  cơ quan ban hành: [ỦY BAN NHÂN DÂN, TỈNH THỬ]
  địa danh: Thử
  viết tắt: UBND
  thẩm quyền: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
  tên thẩm quyền: Chủ tịch Ủy ban nhân dân tỉnh
quyết định:
  số: 7
  ngày: 2025-02-05
  trích yếu: [Về việc công bố Chỉ số cải cách hành chính năm 2024]
  căn cứ:
    - Căn cứ Luật Tổ chức chính quyền địa phương
    - {loại: Quyết định, số: 1/QĐ-UBND, ngày: 2024-01-02, cơ quan: UBND tỉnh}
  người ký: {chức vụ: CHỦ TỊCH, họ tên: Nguyễn Văn A}
  nơi nhận: [Bộ Nội vụ]
  tổ chức thực hiện: Giám đốc Sở Nội vụ
  lưu: VT
thang điểm:
  xếp loại:
    - {tên: TỐT, từ: 80}
    - {tên: KHÁ, dưới: 80}
khối:
  - tên khối: khối sở
    mô tả: Các sở
    gọi tắt: sở
    chủ thể: các sở
    đơn vị:
      - {tên đơn vị: Sở A, tổng điểm: 85.025}
      - {tên đơn vị: Sở B, tổng điểm: "79,5"}
báo cáo:
  tên báo cáo: [Báo cáo thử]
tên phụ lục: [PHỤ LỤC THỬ]
"""


def test_it_accepts_english_keys_and_reads_them_like_vietnamese_ones(tmp_path):
    english = load_dossier(write(tmp_path, ENGLISH, "english.yaml"))
    vietnamese = load_dossier(write(tmp_path, VIETNAMESE, "vietnamese.yaml"))
    assert english == vietnamese
    assert english.decision.date == "2025-02-05"  # a date stays text
    assert english.decision.bases[1].date == "2024-01-02"
    assert [u.total for u in english.blocks[0].units] == [Decimal("85.025"), Decimal("79.5")]
    assert english.scheme.max_total == Decimal(100)
    assert english.scheme.tie_rule == "standard"


def test_it_reads_json_numbers_as_exact_decimals(tmp_path):
    data = parse_text(ENGLISH, "english.yaml")
    data["blocks"][0]["units"][0]["total"] = "__TOTAL__"
    text = json.dumps(data, ensure_ascii=False, default=str).replace('"__TOTAL__"', "85.025")
    dossier = load_dossier(write(tmp_path, text, "ho-so.json"))
    total = dossier.blocks[0].units[0].total
    assert type(total) is Decimal
    assert str(total) == "85.025"


def test_it_ignores_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeff".encode() + son_la_text().encode("utf-8"))
    assert load_dossier(path) == load_dossier(SON_LA)


def test_it_stores_names_in_nfc_with_single_spaces(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Sở Xây dựng")
    text = son_la_text().replace(
        "{tên đơn vị: Sở Xây dựng,", f"{{tên đơn vị: '  {decomposed}  ',", 1)
    unit = load_dossier(write(tmp_path, text)).blocks[0].units[0]
    assert unit.name == "Sở Xây dựng"
    assert unicodedata.is_normalized("NFC", unit.name)


def test_it_validates_an_already_parsed_mapping():
    data = parse_text(VIETNAMESE, "mem")
    dossier = load_data(data, "mem")
    assert dossier.blocks[0].units[1].name == "Sở B"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("90,82", "90.82"), ("90.82", "90.82"), (" 70 ", "70"), ("70\u00a0", "70"), ("+5", "5"),
     ("-0,5", "-0.5"), (70, "70"), (Decimal("1.50"), "1.50")],
)
def test_it_parses_scores_written_as_numbers_or_text(value, expected):
    result = parse_score(value)
    assert type(result) is Decimal
    assert str(result) == expected


@pytest.mark.parametrize(
    "value", ["abc", "", "1.000,5", "90,82%", "9O", True, 90.82, None, Decimal("NaN"),
              Decimal("Infinity")],
)
def test_it_refuses_scores_that_are_not_exact_finite_numbers(value):
    with pytest.raises(ValueError):
        parse_score(value)

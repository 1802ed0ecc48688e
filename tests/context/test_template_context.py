"""The template context built from the Sơn La (draft) and Phù Yên (final) fixtures."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.compute.results import compute_round
from docgen.context.builder import (
    build_context,
    created_at,
    is_final,
    narrative,
    points,
    signature_lines,
)
from docgen.model.dossier import Point, Signer, Subsection
from docgen.model.loader import load_dossier

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NBSP = "\u00a0"


def context_of(name, draft):
    dossier = load_dossier(FIXTURES / name)
    return build_context(dossier, compute_round(dossier), draft=draft)


@pytest.fixture(scope="module")
def son_la():
    return context_of("son-la-2025.yaml", draft=True)


@pytest.fixture(scope="module")
def phu_yen():
    return context_of("phu-yen-2022.yaml", draft=False)


# --- Sơn La: figures ------------------------------------------------------------------------

def test_it_gives_the_line_data_of_the_first_khoi_so_band(son_la):
    band = son_la["blocks"][0]["bands"][0]
    assert band["ratio"] == "08/15"
    assert band["share"] == "53,33%"
    assert band["count"] == "08"
    assert band["names"] == (
        "Sở Xây dựng, Sở Nội vụ, Sở Khoa học và Công nghệ, Thanh tra tỉnh, Văn phòng UBND tỉnh,"
        " Sở Tài chính, Ban Quản lý Các KCN tỉnh, Sở Tư pháp"
    )
    assert band["name"] == "Mức XUẤT SẮC"
    assert band["label"] == "XUẤT SẮC"
    assert band["range"] == "từ 90% trở lên"
    assert band["empty"] is False


def test_it_flags_the_empty_khoi_so_bands(son_la):
    bands = son_la["blocks"][0]["bands"]
    assert [b["ratio"] for b in bands] == ["08/15", "07/15", "00/15", "00/15"]
    assert [b["share"] for b in bands] == ["53,33%", "46,67%", "0%", "0%"]
    assert [b["empty"] for b in bands] == [False, False, True, True]
    assert [b["names"] for b in bands[2:]] == ["", ""]


def test_it_gives_the_khoi_xa_band_ratios_and_shares(son_la):
    bands = son_la["blocks"][1]["bands"]
    assert [b["ratio"] for b in bands] == ["13/75", "32/75", "17/75", "13/75"]
    assert [b["share"] for b in bands] == ["17,33%", "42,67%", "22,67%", "17,33%"]
    assert [b["range"] for b in bands] == [
        "từ 90% trở lên", "từ 80% - dưới 90%", "từ 70% - dưới 80%", "dưới 70%"
    ]


def test_it_gives_the_block_averages_and_extremes(son_la):
    so, xa = son_la["blocks"]
    assert (so["number"], so["name"], so["size"]) == ("1", "khối sở", "15")
    assert (xa["number"], xa["name"], xa["size"]) == ("2", "khối xã", "75")
    assert so["average"] == "90,82"
    assert xa["average"] == "80,51"
    assert so["highest"] == {"names": "Sở Xây dựng", "total": "96,63"}
    assert so["lowest"] == {"names": "Sở Văn hóa thể thao và Du lịch", "total": "82,62"}
    assert so["gap"] == "14,01"
    assert xa["highest"] == {"names": "Sông Mã", "total": "96,95"}
    assert so["component_names"] == ["Điểm tự đánh giá, thẩm định",
                                     "Điểm đánh giá qua điều tra xã hội học"]
    assert so["component_maxes"] == ["70", "30"]


def test_it_gives_each_unit_row_of_the_appendix(son_la):
    first = son_la["blocks"][0]["units"][0]
    assert first == {"index": "1", "name": "Sở Xây dựng", "components": ["67,94", "28,69"],
                     "total": "96,63", "rank": "1", "band": "XUẤT SẮC"}
    assert [u["index"] for u in son_la["blocks"][1]["units"]] == [str(i) for i in range(1, 76)]


def test_it_gives_the_survey_figures(son_la):
    survey = son_la["survey"]
    assert survey["returned"] == "1.000"
    assert survey["issued"] == "1.043"
    assert survey["valid"] == "1.000"
    assert survey["return_rate"] == "95,88%"
    assert survey["valid_rate"] == "100%"
    assert survey["number"] == "3"
    assert survey["result_letter"] == "c"
    assert [b["name"] for b in survey["blocks"]] == ["khối sở", "khối xã"]
    assert [b["max"] for b in survey["blocks"]] == ["30", "30"]


def test_it_formats_the_scheme_constants(son_la):
    assert son_la["max_total"] == "100"
    assert son_la["year"] == "2025"
    assert son_la["components"] == [
        {"name": "Điểm tự đánh giá, thẩm định", "max": "70"},
        {"name": "Điểm đánh giá qua điều tra xã hội học", "max": "30"},
    ]


# --- Sơn La: the draft decision -------------------------------------------------------------

def test_it_leaves_eight_non_breaking_spaces_for_a_draft_number(son_la):
    line = son_la["decision"]["number_line"]
    assert line.startswith("Số:")
    assert line.endswith(NBSP * 8 + "/QĐ-UBND")
    assert line.count(NBSP) == 8
    assert not any(ch.isdigit() for ch in line)


def test_it_leaves_the_day_blank_in_a_draft_date(son_la):
    assert son_la["decision"]["place_date"] == "Sơn La, ngày" + NBSP * 6 + "tháng 12 năm 2025"
    assert son_la["draft"] is True


def test_it_punctuates_recipients_the_nd30_way(son_la):
    recipients = son_la["decision"]["recipients"]
    assert recipients[0] == "- Bộ Nội vụ;"
    assert all(r.startswith("- ") and r.endswith(";") for r in recipients[:-1])
    assert recipients[-1] == "- Lưu: VT, NC."
    assert "- Văn\u00a0phòng UBND tỉnh: LĐ, TCHCQT, TTPVHCC, TTTT;" in recipients  # kept whole
    assert len(recipients) == 9


def test_it_ends_each_basis_with_a_semicolon_and_the_proposal_with_a_full_stop(son_la):
    decision = son_la["decision"]
    assert len(decision["bases"]) == 7
    assert all(b.endswith(";") and not b.endswith(";;") for b in decision["bases"])
    assert decision["bases"][0] == (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;")
    assert decision["proposal"].startswith("Theo đề nghị của Sở Nội vụ")
    assert decision["proposal"].endswith("tại Tờ trình số 945/TTr-SNV ngày 16/12/2025.")


def test_it_writes_a_structured_citation_in_full(son_la):
    assert son_la["decision"]["bases"][1] == (
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình"
        " tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030;"
    )
    assert son_la["decision"]["bases"][3].startswith(
        "Căn cứ Nghị quyết số 03-NQ/TU ngày 21/01/2021 của Ban Chấp hành Đảng bộ tỉnh Sơn La")


def test_it_signs_for_the_chairman(son_la):
    assert son_la["decision"]["signature"] == {"lines": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                                               "name": "Nguyễn Thành Công"}


def test_it_splits_the_subject_into_lines(son_la):
    assert son_la["decision"]["title_lines"] == [
        "Về việc công bố Chỉ số cải cách hành chính năm 2025",
        "của các sở, ban, ngành, Ủy ban nhân dân các xã, phường",
    ]
    assert son_la["issuer"]["name_lines"] == ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"]


# --- Sơn La: narrative ----------------------------------------------------------------------

def headings(entries, kind):
    return [e["text"] for e in entries if e["kind"] == kind]


def test_it_numbers_narrative_headings_and_letters_points(son_la):
    assessment = son_la["report"]["assessment"]
    assert headings(assessment, "heading") == [
        "1. Những kết quả đạt được", "2. Một số tồn tại, hạn chế và nguyên nhân"
    ]
    assert headings(assessment, "subheading") == ["a) Tồn tại, hạn chế", "b) Nguyên nhân"]
    assert headings(son_la["report"]["direction"], "heading") == [
        "1. Các sở, ban, ngành, Ủy ban nhân dân các xã, phường", "2. Sở Nội vụ",
        "3. Các cơ quan thông tin, truyền thông",
    ]
    assert headings(son_la["report"]["implementation"], "heading") == [
        "1. Công tác tự đánh giá, chấm điểm của các cơ quan, đơn vị",
        "2. Công tác thẩm định, đối chiếu kết quả",
    ]


def test_it_letters_the_survey_points(son_la):
    assert headings(son_la["survey"]["entries"], "subheading") == [
        "a) Đối tượng điều tra xã hội học", "b) Phương thức điều tra xã hội học"
    ]


def test_it_marks_dash_items_and_joins_folded_lines(son_la):
    method = son_la["report"]["method"]
    assert {e["kind"] for e in method} == {"dash"}
    assert method[0]["text"].startswith("- Tự đánh giá:")
    paragraph = son_la["report"]["assessment"][1]
    assert paragraph["kind"] == "paragraph"
    assert "  " not in paragraph["text"] and "\n" not in paragraph["text"]


def test_it_numbers_only_titled_subsections():
    entries = narrative([
        Subsection(body=["Mở đầu."]),
        Subsection(title="Thứ nhất", body=["+ Một ý."]),
        Subsection(title="Thứ hai", points=[Point(title="Điểm đầu"),
                                            Point(body=["- Không tiêu đề"]),
                                            Point(title="Điểm sau")]),
    ])
    assert entries == [
        {"kind": "paragraph", "text": "Mở đầu."},
        {"kind": "heading", "text": "1. Thứ nhất"},
        {"kind": "plus", "text": "+ Một ý."},
        {"kind": "heading", "text": "2. Thứ hai"},
        {"kind": "subheading", "text": "a) Điểm đầu"},
        {"kind": "dash", "text": "- Không tiêu đề"},
        {"kind": "subheading", "text": "b) Điểm sau"},
    ]


def test_it_reaches_the_letter_d_with_a_bar_after_d():
    entries = points([Point(title=f"Điểm {i}") for i in range(6)])
    assert [e["text"][:2] for e in entries] == ["a)", "b)", "c)", "d)", "đ)", "e)"]


@pytest.mark.parametrize(
    ("signer", "lines"),
    [
        ({"title": "CHỦ TỊCH", "name": "A"}, ["CHỦ TỊCH"]),
        ({"authority": "KT.", "head_title": "CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "A"},
         ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ({"on_behalf_of": "ỦY BAN NHÂN DÂN", "authority": "KT.", "head_title": "CHỦ TỊCH",
          "title": "PHÓ CHỦ TỊCH", "name": "A"},
         ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ({"on_behalf_of": "ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "A"},
         ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ({"authority": "Q.", "title": "CHÁNH VĂN PHÒNG", "name": "A"}, ["Q. CHÁNH VĂN PHÒNG"]),
        ({"authority": "TL.", "head_title": "CHỦ TỊCH", "title": "CHÁNH VĂN PHÒNG", "name": "A"},
         ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
    ],
)
def test_it_lays_out_the_signature_block(signer, lines):
    assert signature_lines(Signer.model_validate(signer)) == lines


# --- Phù Yên: the final decision ------------------------------------------------------------

def test_it_writes_the_number_and_date_of_a_final_decision(phu_yen):
    decision = phu_yen["decision"]
    assert decision["number_line"] == "Số: 15/QĐ-UBND"
    assert decision["place_date"] == "Phù Yên, ngày 16 tháng 01 năm 2023"
    assert decision["reference"] == (
        "Quyết định số 15/QĐ-UBND ngày 16 tháng 01 năm 2023"
        " của Chủ tịch Ủy ban nhân dân huyện Phù Yên"
    )
    line = phu_yen["report"]["attachment_line"]
    assert line.replace("\u00a0", " ") == f"(Kèm theo {decision['reference']})"
    assert "Ủy\u00a0ban\u00a0nhân\u00a0dân" in line and "Phù\u00a0Yên" in line  # no break
    assert phu_yen["draft"] is False


def test_it_signs_for_the_chairman_directly(phu_yen):
    assert phu_yen["decision"]["signature"] == {"lines": ["CHỦ TỊCH"], "name": "Đặng Quang Hưng"}
    assert phu_yen["decision"]["recipients"][-1] == "- Lưu: VT, NV."


def test_it_names_phu_yen_groups_and_flags_the_empty_one(phu_yen):
    (block,) = phu_yen["blocks"]
    bands = block["bands"]
    assert [b["name"] for b in bands] == ["Nhóm A", "Nhóm B", "Nhóm C", "Nhóm D"]
    assert bands[0]["empty"] is True
    assert bands[0]["ratio"] == "00/27"
    assert bands[0]["names"] == ""
    assert bands[1]["share"] == "14,8%"
    assert [b["share"] for b in bands] == ["0%", "14,8%", "59,3%", "25,9%"]
    assert [b["ratio"] for b in bands] == ["00/27", "04/27", "16/27", "07/27"]
    assert bands[1]["names"] == "Tường Phù, Thị trấn Phù Yên, Tường Tiến, Tường Phong"


def test_it_gives_the_phu_yen_averages_and_extremes(phu_yen):
    (block,) = phu_yen["blocks"]
    assert block["average"] == "57,9"
    assert block["highest"] == {"names": "Tường Phù", "total": "77,14"}
    assert block["lowest"] == {"names": "Huy Tường", "total": "30"}
    assert block["gap"] == "47,14"
    assert block["below_average_ratio"] == "11/27"
    assert block["component_names"] == []
    assert block["units"][4]["total"] == "68,80"
    assert block["units"][4]["components"] == []
    assert phu_yen["survey"] is None


def test_it_dates_files_by_the_decision_never_by_the_clock():
    final = load_dossier(FIXTURES / "phu-yen-2022.yaml")
    draft = load_dossier(FIXTURES / "son-la-2025.yaml")
    assert created_at(final) == datetime(2023, 1, 16)
    assert created_at(draft) is None  # "2025-12": no day, so no invented 1st
    assert is_final(final) is True
    assert is_final(draft) is False


# --- no number leaks into the templates -----------------------------------------------------

def leaves(value, path="context"):
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), path
            yield from leaves(item, f"{path}[{key!r}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


@pytest.mark.parametrize("fixture", ["son_la", "phu_yen"])
def test_every_leaf_of_the_context_is_text_or_a_boolean(fixture, request):
    context = request.getfixturevalue(fixture)
    found = list(leaves(context))
    assert len(found) > 50
    # The documented optional objects are null when the dossier has none (docs/context.md)
    optional = ("context['survey']", "['comparison']", "['field_table']", "['change']",
                "['charts']['compare']", "['charts']['fields']")
    wrong = [(path, type(v).__name__) for path, v in found
             if not isinstance(v, (str, bool))
             and not (v is None and path.endswith(optional))]
    assert wrong == []
    assert not any(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                   for _, v in found)


@pytest.mark.parametrize(("draft", "numbers"), [
    (False, {"overview": "I", "implementation": "II", "results": "III", "assessment": "",
             "direction": "IV"}),
    (True, {"overview": "I", "implementation": "II", "results": "III", "assessment": "IV",
            "direction": "V"}),
])
def test_an_empty_section_moves_the_next_ones_up_or_gets_a_note(draft, numbers):
    """Phù Yên without its nhận xét đánh giá: left out of the issued report (phương hướng
    becomes IV), kept in a draft with the note naming the dossier's field."""
    dossier = load_dossier(FIXTURES / "phu-yen-2022.yaml")
    dossier = dossier.model_copy(update={"report": dossier.report.model_copy(
        update={"assessment": []})})
    sections = build_context(dossier, compute_round(dossier), draft=draft)["report"]["sections"]
    assert {key: s["number"] for key, s in sections.items()} == numbers
    assert [key for key, s in sections.items() if not s["shown"]] == ([] if draft else
                                                                     ["assessment"])
    notes = {key: s["note"] for key, s in sections.items() if s["note"]}
    assert notes == ({"assessment": "[Nội dung phần này chưa có trong hồ sơ: bổ sung mục "
                                    "“nhận xét đánh giá” của báo cáo trong hồ sơ trước khi "
                                    "trình ký.]"} if draft else {})

"""Bad dossiers: every mistake raises InputError naming the file, the place, what was
expected and what was found."""

import copy
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from docgen.errors import InputError
from docgen.model.loader import load_data, load_dossier, parse_text

SON_LA = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"
SON_LA_TEXT = SON_LA.read_text(encoding="utf-8")
SON_LA_DATA = parse_text(SON_LA_TEXT, str(SON_LA))

SO = "khối thứ 1 (khối sở) › đơn vị thứ 1 (Sở Xây dựng)"
SO_PYDANTIC = "khối › khối thứ 1 (khối sở) › đơn vị › đơn vị thứ 1 (Sở Xây dựng)"


class _DecimalDumper(yaml.SafeDumper):
    """Writes Decimals as YAML numbers, so that the file reads back as the loader reads it."""


_DecimalDumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)


def write_yaml(tmp_path, data, name="ho-so-sai.yaml"):
    path = tmp_path / name
    text = yaml.dump(data, Dumper=_DecimalDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def write_text(tmp_path, text, name="ho-so-sai.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages_of(path):
    with pytest.raises(InputError) as caught:
        load_dossier(path)
    return str(caught.value), caught.value


def first_unit(d, block=0):
    return d["khối"][block]["đơn vị"][0]


def drop_signer_name(d):
    del d["quyết định"]["người ký"]["họ tên"]


def score_above_maximum(d):
    first_unit(d)["điểm thành phần"]["xhh"] = Decimal("30.01")


def negative_score(d):
    first_unit(d)["điểm thành phần"]["tham_dinh"] = Decimal("-1")


def score_not_a_number(d):
    first_unit(d)["điểm thành phần"]["xhh"] = "abc"


def total_not_the_sum(d):
    first_unit(d)["tổng điểm"] = Decimal("96.64")  # 67.94 + 28.69 = 96.63


def total_above_maximum(d):
    d["khối"][0]["đơn vị"][0] = {"tên đơn vị": "Sở Xây dựng", "tổng điểm": Decimal("100.5")}


def duplicate_in_nfd(d):
    d["khối"][0]["đơn vị"][2]["tên đơn vị"] = unicodedata.normalize("NFD", "Sở Xây dựng")


def duplicate_with_spaces(d):
    d["khối"][0]["đơn vị"][2]["tên đơn vị"] = "  Sở   Xây dựng "


def duplicate_in_capitals(d):
    d["khối"][0]["đơn vị"][2]["tên đơn vị"] = "SỞ XÂY DỰNG"


def overlapping_bands(d):
    d["thang điểm"]["xếp loại"][1]["dưới"] = 91


def bands_with_a_gap(d):
    d["thang điểm"]["xếp loại"][2]["dưới"] = 75


def top_band_with_upper_bound(d):
    d["thang điểm"]["xếp loại"][0]["dưới"] = 100


def unknown_key_in_unit(d):
    first_unit(d)["tổng điễm"] = 96


def unknown_top_level_key(d):
    d["nam"] = 2025


def returned_above_issued(d):
    d["điều tra xã hội học"]["phiếu thu về"] = 1044


def valid_above_returned(d):
    d["điều tra xã hội học"]["phiếu hợp lệ"] = 1001


def impossible_decision_date(d):
    d["quyết định"]["ngày"] = "2025-02-30"


def issued_decision_without_executors(d):
    d["quyết định"].update({"số": 15, "ngày": "2025-12-16"})
    del d["quyết định"]["tổ chức thực hiện"]


def unreadable_decision_date(d):
    d["quyết định"]["ngày"] = "tháng 12/2025"


def components_not_adding_to_max_total(d):
    d["thang điểm"]["thành phần"][1]["điểm tối đa"] = 35


def unknown_component_code(d):
    first_unit(d)["điểm thành phần"]["xxh"] = first_unit(d)["điểm thành phần"].pop("xhh")


def unit_without_scores(d):
    d["khối"][1]["đơn vị"][0] = {"tên đơn vị": "Sông Mã"}


def citation_with_month_only(d):
    d["quyết định"]["căn cứ"][1]["ngày"] = "2021-07"


def signer_authority_not_allowed(d):
    d["quyết định"]["người ký"]["quyền hạn"] = "KT"


def block_without_units(d):
    d["khối"][0]["đơn vị"] = []


def self_assessment_above_maximum(d):
    first_unit(d)["điểm tự đánh giá"] = Decimal("100.5")


def self_assessment_of_unknown_fields(d):
    first_unit(d)["tự đánh giá lĩnh vực"] = {"ccthc": Decimal(12)}


BAD_INPUTS = [
    (drop_signer_name, ["quyết định › người ký › họ tên", "trường bắt buộc", "không có"]),
    (score_above_maximum, [f"{SO} › điểm thành phần › 'xhh'", "từ 0 đến 30", "nhận được 30,01"]),
    (negative_score, [f"{SO} › điểm thành phần › 'tham_dinh'", "từ 0 đến 70", "nhận được -1"]),
    (score_not_a_number, [f"{SO_PYDANTIC} › điểm thành phần › 'xhh'", "một số (ví dụ 90,82)",
                          "nhận được 'abc'"]),
    (total_not_the_sum, [f"{SO} › tổng điểm", "bằng tổng điểm thành phần (96,63)",
                         "nhận được 96,64"]),
    (total_above_maximum, [f"{SO} › tổng điểm", "từ 0 đến 100", "nhận được 100,5"]),
    (duplicate_in_nfd, ["khối thứ 1 (khối sở) › đơn vị thứ 3 (Sở Xây dựng)",
                        "tên đơn vị không trùng trong khối", "trùng tên với đơn vị thứ 1"]),
    (duplicate_with_spaces, ["khối thứ 1 (khối sở) › đơn vị thứ 3 (Sở Xây dựng)",
                             "tên đơn vị không trùng trong khối", "trùng tên với đơn vị thứ 1"]),
    (duplicate_in_capitals, ["khối thứ 1 (khối sở) › đơn vị thứ 3 (SỞ XÂY DỰNG)",
                             "tên đơn vị không trùng trong khối", "trùng tên với đơn vị thứ 1"]),
    (overlapping_bands, ["thang điểm › xếp loại › mức thứ 2 (TỐT)",
                         "cận dưới của mức 'XUẤT SẮC' (dưới 90)", "không chồng lấn",
                         "nhận được dưới 91"]),
    (bands_with_a_gap, ["thang điểm › xếp loại › mức thứ 3 (TRUNG BÌNH)",
                        "cận dưới của mức 'TỐT' (dưới 80)", "không khoảng hở",
                        "nhận được dưới 75"]),
    (top_band_with_upper_bound, ["thang điểm › xếp loại › mức thứ 1 (XUẤT SẮC)",
                                 "mức cao nhất không có cận trên", "nhận được dưới 100"]),
    (unknown_key_in_unit, [f"{SO_PYDANTIC} › 'tổng điễm'", "một trường đã biết",
                           "trường lạ 'tổng điễm'"]),
    (unknown_top_level_key, ["'nam'", "một trường đã biết", "trường lạ 'nam'"]),
    (returned_above_issued, ["điều tra xã hội học › phiếu thu về",
                             "không quá số phiếu phát ra (1043)", "nhận được 1044"]),
    (valid_above_returned, ["điều tra xã hội học › phiếu hợp lệ",
                            "không quá số phiếu thu về (1000)", "nhận được 1001"]),
    (impossible_decision_date, ["quyết định › ngày", "ngày dạng YYYY-MM-DD",
                                "nhận được '2025-02-30'"]),
    (issued_decision_without_executors, [
        "quyết định › tổ chức thực hiện", "những người chịu trách nhiệm thi hành Quyết định",
        "hoặc ghi đủ các Điều ở «điều»", "nhận được không có"]),
    (unreadable_decision_date, ["quyết định › ngày", "ngày dạng YYYY-MM-DD",
                                "nhận được 'tháng 12/2025'"]),
    (components_not_adding_to_max_total, ["thang điểm › thành phần",
                                          "tổng điểm tối đa các thành phần bằng 100",
                                          "nhận được 105"]),
    (unknown_component_code, [f"{SO} › điểm thành phần", "đủ và đúng các mã: tham_dinh, xhh",
                              "nhận được tham_dinh, xxh"]),
    (unit_without_scores, ["khối thứ 2 (khối xã) › đơn vị thứ 1 (Sông Mã)",
                           "tổng điểm, hoặc điểm thành phần, hoặc điểm lĩnh vực",
                           "không có điểm nào"]),
    (citation_with_month_only, ["quyết định › căn cứ thứ 2 › ngày", "ngày đầy đủ YYYY-MM-DD",
                                "nhận được '2021-07'"]),
    (signer_authority_not_allowed, ["quyết định › người ký › quyền hạn", "một trong",
                                    "nhận được 'KT'"]),
    (self_assessment_above_maximum, [f"{SO} › điểm tự đánh giá", "từ 0 đến 100",
                                     "nhận được 100,5"]),
    (self_assessment_of_unknown_fields, [f"{SO} › tự đánh giá lĩnh vực",
                                         "không có (thang điểm chưa khai báo)",
                                         "nhận được ccthc"]),
    (block_without_units, ["khối › khối thứ 1 (khối sở) › đơn vị", "ít nhất 1 phần tử",
                           "một danh sách 0 phần tử"]),
]


@pytest.mark.parametrize(
    ("mutate", "fragments"), BAD_INPUTS, ids=[m.__name__ for m, _ in BAD_INPUTS]
)
def test_it_names_file_place_expectation_and_finding(tmp_path, mutate, fragments):
    data = copy.deepcopy(SON_LA_DATA)
    mutate(data)
    path = write_yaml(tmp_path, data)
    message, error = messages_of(path)
    assert message.startswith(f"{path}: ")
    assert "cần " in message
    for fragment in fragments:
        assert fragment in message
    assert error.code == "invalid_input"
    assert isinstance(error, ValueError)
    assert all(p.source == str(path) for p in error.problems)


def test_an_unmodified_round_trip_loads(tmp_path):
    # guards the tests above: the dumped file is valid until a mutation breaks it
    assert load_dossier(write_yaml(tmp_path, copy.deepcopy(SON_LA_DATA))) == load_dossier(SON_LA)


@pytest.mark.parametrize(
    ("mutate", "fragments"), BAD_INPUTS[:6], ids=[m.__name__ for m, _ in BAD_INPUTS[:6]]
)
def test_it_reports_the_same_problem_for_an_already_parsed_mapping(mutate, fragments):
    data = copy.deepcopy(SON_LA_DATA)
    mutate(data)
    with pytest.raises(InputError) as caught:
        load_data(data, "trong-bo-nho")
    message = str(caught.value)
    assert message.startswith("trong-bo-nho: ")
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("written", "found"),
    [(".inf", "Infinity"), ("-.inf", "-Infinity"), (".Inf", "Infinity"), (".nan", "NaN"),
     (".NaN", "NaN")],
)
def test_it_refuses_infinite_and_nan_scores(tmp_path, written, found):
    text = SON_LA_TEXT.replace("xhh: 28.69}", f"xhh: {written}}}", 1)
    path = write_text(tmp_path, text)
    message, _ = messages_of(path)
    assert message == (f"{path}: {SO_PYDANTIC} › điểm thành phần › 'xhh': "
                       f"cần một số hữu hạn; nhận được {found}")


def test_it_reports_every_problem_of_a_file_at_once(tmp_path):
    data = copy.deepcopy(SON_LA_DATA)
    first_unit(data, 0)["điểm thành phần"]["xhh"] = Decimal(31)
    first_unit(data, 1)["điểm thành phần"]["tham_dinh"] = Decimal(71)
    data["khối"][1]["đơn vị"][5]["tên đơn vị"] = "sông mã"
    _, error = messages_of(write_yaml(tmp_path, data))
    locations = [p.location for p in error.problems]
    assert locations == [
        f"{SO} › điểm thành phần › 'xhh'",
        "khối thứ 2 (khối xã) › đơn vị thứ 1 (Sông Mã) › điểm thành phần › 'tham_dinh'",
        "khối thứ 2 (khối xã) › đơn vị thứ 6 (sông mã)",
    ]
    assert [p.found for p in error.problems] == ["31", "71", "trùng tên với đơn vị thứ 1"]


# --- file-level errors ----------------------------------------------------------------------

def test_it_reports_line_and_column_of_malformed_yaml(tmp_path):
    lines = SON_LA_TEXT.splitlines()
    line = lines.index("  địa danh: Sơn La") + 1
    assert line == 16
    text = SON_LA_TEXT.replace("  địa danh: Sơn La\n", "  địa danh: Sơn La: tỉnh\n")
    path = write_text(tmp_path, text)
    message, _ = messages_of(path)
    # the second ":" is the 19th character of "  địa danh: Sơn La: tỉnh"
    assert message == (f"{path}: dòng 16, cột 19: cần YAML hợp lệ; "
                       "nhận được mapping values are not allowed here")


def test_it_reports_line_and_column_of_an_unclosed_bracket(tmp_path):
    text = SON_LA_TEXT.replace("  - tên khối: khối xã\n", "  - tên khối: [khối xã\n")
    message, _ = messages_of(write_text(tmp_path, text))
    line = SON_LA_TEXT.splitlines().index("  - tên khối: khối xã") + 2
    assert f"dòng {line}, cột 10: cần YAML hợp lệ" in message


def test_it_reports_line_and_column_of_malformed_json(tmp_path):
    path = write_text(tmp_path, '{"năm": 2025,\n "khối": [}\n', "ho-so.json")
    message, _ = messages_of(path)
    assert message.startswith(f"{path}: dòng 2, cột 11: cần JSON hợp lệ; nhận được ")


def test_it_refuses_a_dossier_saved_in_the_windows_vietnamese_code_page(tmp_path):
    path = tmp_path / "son-la-cp1258.yaml"
    path.write_bytes(SON_LA_TEXT.encode("cp1258", errors="replace"))
    message, _ = messages_of(path)
    # "# Hồ sơ": "ồ" has no cp1258 code ("?"), then "ơ" is byte 6, 0xf5, never valid UTF-8
    assert message == f"{path}: byte 6: cần văn bản mã hóa UTF-8; nhận được byte 0xf5"


def test_it_names_the_exact_byte_that_is_not_utf8(tmp_path):
    path = tmp_path / "cp1258.yaml"
    path.write_bytes(b"nam: 2025\nx: S\xf5n La\n")
    message, _ = messages_of(path)
    assert message == f"{path}: byte 14: cần văn bản mã hóa UTF-8; nhận được byte 0xf5"


@pytest.mark.parametrize("content", ["", "\n\n", "# chỉ có chú thích\n", "\ufeff"])
def test_it_refuses_an_empty_file(tmp_path, content):
    path = write_text(tmp_path, content, "rong.yaml")
    message, _ = messages_of(path)
    assert message == f"{path}: tệp: cần một bảng khóa–giá trị ở cấp cao nhất; nhận được tệp rỗng"


@pytest.mark.parametrize(
    ("content", "found"),
    [("- năm: 2025\n- khối: []\n", "list"), ("Sơn La\n", "str"), ("2025\n", "int")],
)
def test_it_refuses_a_top_level_that_is_not_a_mapping(tmp_path, content, found):
    path = write_text(tmp_path, content, "danh-sach.yaml")
    message, _ = messages_of(path)
    assert message == f"{path}: tệp: cần một bảng khóa–giá trị ở cấp cao nhất; nhận được {found}"


def test_it_refuses_a_missing_file(tmp_path):
    path = tmp_path / "khong-co.yaml"
    message, _ = messages_of(path)
    assert message == f"{path}: tệp: cần một tệp hồ sơ có thật; nhận được không tìm thấy tệp"


def test_it_refuses_a_directory(tmp_path):
    message, _ = messages_of(tmp_path)
    assert message == f"{tmp_path}: tệp: cần một tệp; nhận được một thư mục"


def test_a_draft_without_executors_shows_what_to_fill_in(tmp_path):
    from docgen.compute.results import compute_round
    from docgen.context.builder import MISSING_EXECUTORS, build_context

    data = copy.deepcopy(SON_LA_DATA)  # a draft: no number, a month only
    del data["quyết định"]["tổ chức thực hiện"]
    dossier = load_dossier(write_yaml(tmp_path, data))
    context = build_context(dossier, compute_round(dossier), draft=True)
    assert context["decision"]["executors"] == MISSING_EXECUTORS
    assert MISSING_EXECUTORS.startswith("[bổ sung mục “tổ chức thực hiện”")

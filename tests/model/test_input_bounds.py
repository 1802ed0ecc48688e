"""Every bound on a dossier, with the attacks that found the missing ones: YAML alias bombs,
deep nesting, huge numbers, decimals that did not round-trip, huge or unprintable texts, too
many units, keys written twice in two spellings, a previous round outside the folder.

Each is refused before the work it asks for, as bad input (InputError, `docgen check` exit
2) with a Vietnamese message naming the place and the bound, and never quoting the input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from docgen.errors import InputError
from docgen.interfaces.cli import app
from docgen.model.loader import load_data, load_dossier, parse_text
from docgen.render import pdf
from docgen.workflow.canonical import canonical_json, load_canonical

ROOT = Path(__file__).resolve().parents[2]
SON_LA = ROOT / "fixtures" / "son-la-2025.yaml"
TEXT = SON_LA.read_text(encoding="utf-8")
FIRST_UNIT = "{tên đơn vị: Sở Xây dựng, điểm thành phần: {tham_dinh: 67.94, xhh: 28.69}}"

runner = CliRunner()


def alias_bomb(levels: int) -> str:
    """Ten nested lists of aliases: each list names the one before it nine times."""
    lines = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]"
              for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def problems(text: str, source: str = "hồ sơ.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        load_data(parse_text(text, source), source)
    return [p.message for p in caught.value.problems]


def only(text: str, source: str = "hồ sơ.yaml") -> str:
    found = problems(text, source)
    assert len(found) == 1, found
    return found[0]


def with_first_unit(unit: str) -> str:
    assert TEXT.count(FIRST_UNIT) == 1
    return TEXT.replace(FIRST_UNIT, unit)


def as_json(change) -> str:
    data = json.loads(json.dumps(yaml.safe_load(TEXT), default=str))
    change(data)
    return json.dumps(data, ensure_ascii=False)


# ---- YAML aliases, nesting ---------------------------------------------------------------

@pytest.mark.parametrize("levels", [7, 9])
def test_an_alias_bomb_is_refused_by_its_expanded_size(levels: int) -> None:
    bomb = alias_bomb(levels)
    if levels == 9:
        assert len(bomb.encode()) <= 611
    message = only(bomb)
    assert message == ("hồ sơ.yaml: tệp: cần tối đa 200.000 giá trị (khóa, số, đoạn văn bản) kể "
                       "cả các giá trị lặp lại bằng bí danh YAML (*); nhận được hơn 200.000 "
                       "giá trị")


def test_an_alias_bomb_inside_a_real_dossier_is_refused_the_same_way() -> None:
    # under a known field, and as an unknown key: neither is expanded nor printed
    text = TEXT.replace("năm: 2025", "năm: 2025\n" + alias_bomb(9).replace("lol", "x"), 1)
    assert "200.000 giá trị" in only(text)
    text = TEXT + "\nphụ lục thêm:\n  " + alias_bomb(9).replace("\n", "\n  ")
    assert "200.000 giá trị" in only(text)


def test_text_repeated_by_aliases_counts_once_per_use() -> None:
    text = TEXT.replace("năm: 2025", "năm: 2025\nx_dai: &dai " + "a" * 10_000 + "\nx_lap: ["
                        + ", ".join(["*dai"] * 300) + "]", 1)
    assert only(text) == ("hồ sơ.yaml: tệp: cần tối đa 2.000.000 ký tự văn bản cả hồ sơ, kể "
                          "cả văn bản lặp lại bằng bí danh YAML (*); nhận được hơn 2.000.000 "
                          "ký tự")


def test_a_large_aliased_value_in_a_text_field_is_named_not_printed() -> None:
    text = TEXT.replace("đối tượng: các sở, ban, ngành, Ủy ban nhân dân các xã, phường",
                        "đối tượng: *l4", 1)
    found = problems(alias_bomb(4).replace("lol", "x_lol") + text)
    assert "hồ sơ.yaml: đối tượng: cần một đoạn văn bản; nhận được một danh sách 9 phần tử" \
        in found
    assert all(len(m) < 300 for m in found)


def test_a_self_referring_alias_is_refused() -> None:
    assert only("a: &a [*a]\n") == ("hồ sơ.yaml: dòng 1, cột 4: cần YAML hợp lệ; nhận được "
                                    "một bí danh YAML (*) trỏ vào chính nó")


def test_aliases_within_the_budget_still_work() -> None:
    text = TEXT.replace("{tham_dinh: 67.94, xhh: 28.69}", "&same {tham_dinh: 67.94, xhh: 28.69}")
    text = text.replace("{tham_dinh: 68.38, xhh: 28.15}", "*same")
    dossier = load_data(parse_text(text, "x.yaml"), "x.yaml")
    assert dossier.blocks[0].units[1].scores == {"tham_dinh": Decimal("67.94"),
                                                 "xhh": Decimal("28.69")}


@pytest.mark.parametrize("depth", [41, 900, 5000])
def test_deep_nesting_is_refused_in_yaml(depth: int) -> None:
    message = only("a: " + "[" * depth + "]" * depth + "\n")
    assert message == ("hồ sơ.yaml: dòng 1, cột 43: cần các bảng và danh sách lồng nhau tối đa "
                       "40 cấp; nhận được lồng nhau hơn 40 cấp")


@pytest.mark.parametrize("depth", [41, 900, 100_000])
def test_deep_nesting_is_refused_in_json(depth: int) -> None:
    message = only('{"a": ' + "[" * depth + "]" * depth + "}", "hồ sơ.json")
    assert message == ("hồ sơ.json: tệp: cần các bảng và danh sách lồng nhau tối đa 40 cấp; "
                       "nhận được lồng nhau hơn 40 cấp")


# ---- numbers -----------------------------------------------------------------------------

def test_an_integer_of_5000_digits_is_refused_where_it_is_written() -> None:
    assert only(TEXT.replace("năm: 2025", "năm: " + "9" * 5000, 1)) == (
        "hồ sơ.yaml: dòng 9, cột 6: cần một số tối đa 30 ký tự; nhận được một số 5.000 ký tự")
    assert only('{"năm": ' + "9" * 5000 + "}", "x.json") == (
        "x.json: tệp: cần một số tối đa 30 ký tự; nhận được một số 5.000 ký tự")


def test_a_score_of_1e99_is_refused_by_its_digits() -> None:
    expected = ("hồ sơ.yaml: thang điểm › điểm tối đa: cần một điểm tối đa 6 chữ số phần "
                "nguyên; nhận được 1.0E+99")
    assert only(TEXT.replace("điểm tối đa: 100", "điểm tối đa: 1.0e+99", 1)) == expected
    text = as_json(lambda d: None).replace('"điểm tối đa": 100', '"điểm tối đa": 1.0e99', 1)
    assert only(text) == expected
    assert only(with_first_unit("{tên đơn vị: Sở Xây dựng, tổng điểm: '1e-20'}")).endswith(
        "› tổng điểm: cần một số (ví dụ 90,82); nhận được '1e-20'")


def test_a_decision_number_of_40_digits_is_refused() -> None:
    assert only(TEXT.replace("  số:\n", "  số: " + "9" * 40 + "\n", 1)).endswith(
        "cần một số tối đa 30 ký tự; nhận được một số 40 ký tự")
    assert only(TEXT.replace("  số:\n", "  số: 1234567890123\n", 1)) == (
        "hồ sơ.yaml: quyết định › số: cần ≤ 999999; nhận được 1234567890123")


def test_a_score_of_eight_zero_decimals_round_trips_and_renders() -> None:
    from docgen.pipeline import render_package

    text = with_first_unit("{tên đơn vị: Sở Xây dựng, điểm thành phần: "
                           "{tham_dinh: 67.94, xhh: 0.00000000}}")
    dossier = load_data(parse_text(text, "x.yaml"), "x.yaml")
    stored = canonical_json(dossier)
    assert b'"xhh":"0.00000000"' in stored and b"E-" not in stored
    again = load_canonical(stored)
    assert canonical_json(again) == stored
    assert again.blocks[0].units[0].scores["xhh"] == Decimal(0)
    documents = render_package(again, formats=["docx"], kinds=["phu_luc"])
    assert documents[0].data[:2] == b"PK"
    # what an older archive kept is read again
    old = stored.replace(b'"xhh":"0.00000000"', b'"xhh":"0E-8"')
    assert load_canonical(old).blocks[0].units[0].scores["xhh"] == Decimal(0)


# ---- texts -------------------------------------------------------------------------------

def test_a_unit_name_of_523_kb_is_refused_without_being_quoted() -> None:
    message = only(with_first_unit("{tên đơn vị: Sở " + "x" * 523_000 + ", tổng điểm: 90}"))
    assert message.startswith("hồ sơ.yaml: khối thứ 1 (khối sở) › đơn vị thứ 1 (Sở xxxx")
    assert message.endswith("› tên đơn vị: cần tối đa 300 ký tự; nhận được một đoạn văn "
                            "bản 523.003 ký tự")
    assert len(message) < 250


def test_names_and_paragraphs_have_their_own_lengths() -> None:
    assert only(with_first_unit("{tên đơn vị: " + "x" * 301 + ", tổng điểm: 90}")).endswith(
        "tên đơn vị: cần tối đa 300 ký tự; nhận được một đoạn văn bản 301 ký tự")
    load_data(parse_text(with_first_unit("{tên đơn vị: " + "x" * 300 + ", tổng điểm: 90}"),
                         "x.yaml"), "x.yaml")
    long = "Năm 2025 " * 2300
    text = TEXT.replace("  theo đề nghị: >-\n",
                        f"  theo đề nghị: {long}\n  x_theo_de_nghi: >-\n", 1)
    assert "quyết định › theo đề nghị: cần tối đa 20.000 ký tự; nhận được một đoạn văn bản " \
           "20.699 ký tự" in problems(text)[0]


@pytest.mark.parametrize(("name", "found"), [
    ("Sở Nội\u202evụ", "ký tự điều khiển hướng chữ U+202E (RIGHT-TO-LEFT OVERRIDE) ở vị trí 7"),
    ("Sở Nội\u2067vụ", "ký tự điều khiển hướng chữ U+2067 (RIGHT-TO-LEFT ISOLATE) ở vị trí 7"),
    ("Sở\u0000Nội vụ", "ký tự NUL U+0000 (không tên) ở vị trí 3"),
    ("Sở \ud800", "ký tự thay thế lẻ (surrogate) U+D800 (không tên) ở vị trí 4"),
    ("Sở Nội vụ 中", "ký tự phông Liberation Serif không có '中' (U+4E2D) ở vị trí 11"),
    ("Sở Nội vụ 🏛", "ký tự phông Liberation Serif không có '🏛' (U+1F3DB) ở vị trí 11"),
])
def test_unprintable_characters_in_a_name_are_refused_naming_the_field(name: str,
                                                                        found: str) -> None:
    def rename(data: dict) -> None:
        data["khối"][0]["đơn vị"][0]["tên đơn vị"] = name

    message = only(as_json(rename), "hồ sơ.json")
    assert message.startswith("hồ sơ.json: khối thứ 1 (khối sở) › đơn vị thứ 1 (")
    assert message.endswith(f"› tên đơn vị: cần {_expected(found)}; nhận được {found}")
    message.encode("utf-8")  # printable: no lone surrogate copied into the message
    assert "\u202e" not in message and "\u0000" not in message


def _expected(found: str) -> str:
    if found.startswith("ký tự điều khiển"):
        return "văn bản không có ký tự điều khiển hướng chữ (RTL/LTR)"
    if found.startswith("ký tự NUL"):
        return "văn bản không có ký tự NUL"
    if found.startswith("ký tự thay thế"):
        return "văn bản Unicode hợp lệ"
    return "chữ có trong phông Liberation Serif của bản PDF (chữ Việt, chữ Latinh, chữ số, dấu câu)"


def test_a_nul_written_in_yaml_is_refused() -> None:
    assert only(with_first_unit('{tên đơn vị: "Sở\\0Xây dựng", tổng điểm: 90}')).endswith(
        "› tên đơn vị: cần văn bản không có ký tự NUL; nhận được ký tự NUL U+0000 (không tên) "
        "ở vị trí 3")


def test_the_input_check_uses_the_renderers_font_coverage() -> None:
    from docgen.formatting.glyphs import covered_codepoints

    assert pdf._covered_codepoints is covered_codepoints
    assert {ord(c) for c in "Ằẵặỹ₫–…"} <= covered_codepoints()


def test_too_many_units_in_a_block_and_in_the_dossier() -> None:
    def grow(data: dict, count: int, blocks: int = 1) -> None:
        units = data["khối"][0]["đơn vị"]
        for block in data["khối"][:blocks]:
            block["đơn vị"] = [{**units[0], "tên đơn vị": f"Đơn vị {i}"} for i in range(count)]

    assert only(as_json(lambda d: grow(d, 2001))) == (
        "hồ sơ.yaml: khối thứ 1 (khối sở) › đơn vị: cần tối đa 2.000 đơn vị một khối; "
        "nhận được 2.001 đơn vị")
    assert only(as_json(lambda d: (d["khối"].append(dict(d["khối"][1], **{"tên khối": "khối 3"})),
                                   grow(d, 1700, 3)))) == (
        "hồ sơ.yaml: khối: cần tối đa 5.000 đơn vị cả hồ sơ; nhận được 5.100 đơn vị")


# ---- keys written twice ------------------------------------------------------------------

@pytest.mark.parametrize(("first", "second", "found"), [
    ("NĂM: 2024", "năm: 2025", "dòng 10, cột 1: cần YAML hợp lệ; nhận được khóa 'năm' xuất "
                               "hiện hai lần (cùng khóa 'NĂM' viết cách khác)"),
    ("Năm: 2024", "n_ă_m: 2025", None),
    ("year: 2024", "năm: 2025", "tệp: cần mỗi khóa một lần trong một bảng; nhận được khóa "
                                "'năm' trùng với khóa 'year' (cùng một trường)"),
])
def test_a_key_written_twice_in_any_spelling_is_refused(first: str, second: str,
                                                        found: str | None) -> None:
    text = TEXT.replace("năm: 2025", f"{first}\n{second}", 1)
    if found is None:  # "n_ă_m" is not "năm": an unknown key, not a second year
        assert any("trường lạ 'n_ă_m'" in m for m in problems(text))
        return
    assert only(text) == f"hồ sơ.yaml: {found}"


def test_a_key_written_twice_in_json_is_refused() -> None:
    assert only('{"NĂM": 2024, "năm": 2025}', "x.json") == (
        "x.json: tệp: cần JSON hợp lệ; nhận được khóa 'năm' xuất hiện hai lần (cùng khóa "
        "'NĂM' viết cách khác)")
    assert "cùng một trường" in only('{"year": 2024, "Năm": 2025}', "x.json")


def test_nested_keys_in_two_spellings_are_refused_too() -> None:
    text = TEXT.replace("  địa danh: Sơn La", "  địa danh: Sơn La\n  Địa_danh: Mộc Châu", 1)
    assert "khóa 'Địa_danh' xuất hiện hai lần (cùng khóa 'địa danh' viết cách khác)" in only(text)


# ---- the previous round's file -----------------------------------------------------------

@pytest.mark.parametrize("where", ["../../secret/ky-truoc.yaml", "ABSOLUTE"])
def test_a_previous_round_outside_the_folder_is_refused_unread(tmp_path: Path,
                                                               where: str) -> None:
    secret = tmp_path / "secret" / "ky-truoc.yaml"
    secret.parent.mkdir()
    secret.write_text("mật_khẩu_bí_mật: hunter2\n", encoding="utf-8")
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    target = str(secret) if where == "ABSOLUTE" else where
    dossier = folder / "ho-so.yaml"
    dossier.write_text(TEXT + f"kỳ trước:\n  tệp: {target}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dossier(dossier)
    assert [p.message for p in caught.value.problems] == [
        f"{dossier}: kỳ trước › tệp: cần một tệp trong thư mục của hồ sơ (hoặc thư mục con); "
        f"nhận được {target!r}"]
    done = runner.invoke(app, ["check", str(dossier)])
    assert done.exit_code == 2
    assert "hunter2" not in done.output and "mật_khẩu" not in done.output


# ---- through the command line ------------------------------------------------------------

def test_docgen_check_refuses_the_alias_bomb_with_exit_2(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.yaml"
    bomb.write_text(alias_bomb(9), encoding="utf-8")
    done = runner.invoke(app, ["check", str(bomb)])
    assert done.exit_code == 2
    assert "cần tối đa 200.000 giá trị" in done.output and "Traceback" not in done.output


def test_docgen_check_refuses_deep_json_and_huge_numbers_with_exit_2(tmp_path: Path) -> None:
    deep = tmp_path / "sau.json"
    deep.write_text('{"a": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    big = tmp_path / "so.yaml"
    big.write_text(TEXT.replace("năm: 2025", "năm: " + "9" * 4301, 1), encoding="utf-8")
    for path, text in ((deep, "lồng nhau tối đa 40 cấp"), (big, "một số tối đa 30 ký tự")):
        done = runner.invoke(app, ["check", str(path)])
        assert (done.exit_code, text in done.output) == (2, True), done.output


def test_every_bound_is_in_the_readme_table() -> None:
    from docgen import bounds

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("\n## Limits\n"):]
    for name in dir(bounds):
        if name.startswith("MAX_"):
            assert f"`{name}`" in table, name

"""Context of the report analytics: numbering of Biểu and Biểu đồ, the lines' values as
text, and charts that fit the block (one bar per unit, or a distribution)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.compute.results import compute_round
from docgen.context.analytics import MAX_BARS, band_change_text
from docgen.context.builder import build_context
from docgen.model.dossier import Dossier
from docgen.model.loader import load_dossier
from docgen.pipeline import compare_with_previous

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def context_of(dossier: Dossier, previous: Dossier | None = None) -> dict:
    result = compute_round(dossier)
    return build_context(dossier, result, draft=True,
                         comparison=compare_with_previous(dossier, result, previous))


@pytest.fixture(scope="module")
def son_la_2023():
    return context_of(load_dossier(FIXTURES / "son-la-2023.yaml"))


def test_tables_and_charts_are_numbered_in_document_order(son_la_2023):
    so, huyen = son_la_2023["blocks"]
    assert [so["table_number"], so["field_table"]["number"], huyen["table_number"],
            huyen["field_table"]["number"]] == ["1", "2", "3", "4"]
    numbers = [b["charts"][k]["number"] for b in (so, huyen)
               for k in ("ranking", "compare", "fields")]
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    assert so["letters"] == {"general": "a", "compare": "b", "fields": "c"}


def test_field_lines(son_la_2023):
    impact = son_la_2023["blocks"][0]["field_stats"][7]
    assert impact == {
        "number": "8", "name": "Tác động của cải cách hành chính đến người dân, tổ chức",
        "max": "10,5", "average": "9,67", "percent": "92,1%",
        "best_names": "Ban Dân tộc tỉnh, Ban Quản lý các khu công nghiệp tỉnh",
        "best_score": "10,5", "best_tied": True,
        "worst_names": "Sở Tài nguyên và Môi trường", "worst_score": "8,84",
        "worst_tied": False, "self_average": "10"}


def test_year_over_year_values(son_la_2023):
    so = son_la_2023["blocks"][0]
    cmp = so["comparison"]
    assert (cmp["previous_year"], cmp["average_direction"], cmp["average_change"]) == (
        "2022", "down", "5,22")
    assert (cmp["up"]["count"], cmp["up"]["top_names"], cmp["up"]["top_amount"]) == (
        "06", "Sở Kế hoạch và Đầu tư", "08")
    assert (cmp["rose"]["single"], cmp["rose"]["top_amount"]) == (True, "0,15")
    assert cmp["new"] == {"count": "01", "any": True,
                          "names": "Ban Quản lý các khu công nghiệp tỉnh"}
    # Nhóm C: one unit in 2022, none now
    assert so["bands"][2]["empty"] is True
    assert so["bands"][2]["change"] == {"known": True, "direction": "down", "amount": "01",
                                        "previous_count": "01"}


def test_year_over_year_clauses_come_ready_for_the_report(son_la_2023):
    """The clauses on last year's figures are chosen in the context, so the template prints
    each with one placeholder."""
    so = son_la_2023["blocks"][0]
    assert so["average_change_text"] == ", giảm 5,22 điểm so với năm 2022"
    assert so["gap_change_text"] == " (giảm 15,06 điểm so với năm 2022)"
    assert [b["change_text"] for b in so["bands"]] == [
        ", giảm 14 đơn vị so với năm 2022", ", tăng 15 đơn vị so với năm 2022",
        " (giảm 01 đơn vị so với năm 2022)",  # Nhóm C: none now, one in 2022
        ""]  # Nhóm D: none now, none in 2022
    moves = so["comparison"]["moves"]
    assert [(m["verb"], m["any"], m["count"]) for m in moves] == [
        ("tăng điểm", True, "01"), ("giảm điểm", True, "18"), ("tăng bậc", True, "06"),
        ("giữ bậc", True, "04"), ("giảm bậc", True, "09")]
    assert [m["detail"] for m in moves] == [
        " (tăng 0,15 điểm)",
        "; trong đó đơn vị giảm nhiều điểm nhất là Sở Nông nghiệp và Phát triển nông thôn "
        "(giảm 10,15 điểm)",
        "; trong đó đơn vị tăng nhiều bậc nhất là Sở Kế hoạch và Đầu tư (tăng 08 bậc)",
        "",  # the units that kept their place have no largest move
        "; trong đó đơn vị giảm nhiều bậc nhất là Sở Nông nghiệp và Phát triển nông thôn "
        "(giảm 07 bậc)"]
    assert moves[0]["names"] == so["comparison"]["rose"]["names"]


def test_tied_largest_moves_name_every_unit(son_la_2023):
    """"các đơn vị" when several units share the largest move (khối huyện, giảm 03 bậc)."""
    down = son_la_2023["blocks"][1]["comparison"]["moves"][4]
    assert down["detail"] == ("; trong đó các đơn vị giảm nhiều bậc nhất là UBND huyện Mai "
                              "Sơn, UBND huyện Sốp Cộp (giảm 03 bậc)")


def test_without_last_year_the_clauses_are_empty():
    context = context_of(load_dossier(FIXTURES / "son-la-2025.yaml"))
    for block in context["blocks"]:
        assert block["comparison"] is None
        assert (block["average_change_text"], block["gap_change_text"]) == ("", "")
        assert {b["change_text"] for b in block["bands"]} == {""}


@pytest.mark.parametrize(("change", "empty", "text"), [
    ({"known": True, "direction": "up", "amount": "02"}, False,
     ", tăng 02 đơn vị so với năm 2022"),
    ({"known": True, "direction": "same", "amount": "0"}, False, ", bằng năm 2022"),
    ({"known": True, "direction": "down", "amount": "01"}, True,
     " (giảm 01 đơn vị so với năm 2022)"),
    ({"known": True, "direction": "same", "amount": "0"}, True, ""),  # none then, none now
    ({"known": False, "direction": "same", "amount": ""}, False, ""),  # no such band then
    (None, False, ""),
])
def test_band_change_text(change, empty, text):
    assert band_change_text(change, empty, "2022") == text


def test_field_table_rows_pair_self_assessment_and_appraisal(son_la_2023):
    table = son_la_2023["blocks"][0]["field_table"]
    assert table["has_self"] and table["lead"] == [True]
    first, second = table["rows"][:2]
    # the TĐG line carries rank and band too: the template merges them over both lines
    assert (first["index"], first["name"], first["kind"], first["rank"], first["band"]) == (
        "1", "Sở Giao thông vận tải", "self", "1", "A")
    assert (second["index"], second["name"], second["kind"], second["total"], second["rank"],
            second["band"]) == ("", "", "appraised", "95,44", "1", "A")
    averages = table["rows"][-2:]
    assert [(r["kind"], r["average"], r["total"]) for r in averages] == [
        ("self", True, "88,16"), ("appraised", True, "85,97")]
    assert len(table["groups"]) == 21 and all(len(g) == 2 for g in table["groups"])


def test_ninety_units_get_one_bar_each():
    context = context_of(load_dossier(FIXTURES / "son-la-2025.yaml"))
    so, xa = context["blocks"]
    assert (so["charts"]["ranking"]["kind"], len(so["charts"]["ranking"]["labels"])) == (
        "bars", 15)
    assert (xa["charts"]["ranking"]["kind"], len(xa["charts"]["ranking"]["values"])) == (
        "bars", 75)
    assert so["comparison"] is None and so["field_table"] is None
    assert so["letters"] == {"general": "", "compare": "", "fields": ""}


def big_block(size: int, year: int, seed: int) -> Dossier:
    """The Sơn La 2025 dossier with one block of `size` communes, totals only."""
    base = load_dossier(FIXTURES / "son-la-2025.yaml")
    rng = random.Random(seed)
    block = base.blocks[1].model_dump(exclude={"units"})
    block["units"] = [{"name": f"Xã số {i}", "total": Decimal(rng.randint(5000, 9999)) / 100}
                      for i in range(1, size + 1)]
    data = base.model_dump()
    data.update(blocks=[block], year=year)
    return Dossier.model_validate(data)


def test_3321_units_get_a_distribution_and_a_scatter_plot():
    current, previous = big_block(3321, 2025, 1), big_block(3321, 2024, 2)
    block = context_of(current, previous)["blocks"][0]
    ranking, compare = block["charts"]["ranking"], block["charts"]["compare"]
    assert 3321 > MAX_BARS
    assert (ranking["kind"], compare["kind"]) == ("histogram", "scatter")
    counts = [[int(c) for c in row] for row in ranking["counts"]]
    assert sum(map(sum, counts)) == 3321
    # per band, the histogram counts the units the text counts
    assert [sum(row) for row in counts] == [int(b["count"].replace(".", ""))
                                            for b in block["bands"]]
    assert len(ranking["edges"]) == len(counts[0]) + 1
    assert len(compare["values"]) == 3321  # every commune is in both rounds

"""A block's own thang điểm: each key it gives replaces the dossier's, the rest inherited."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.model.dossier import Scheme, SchemeOverride, effective_scheme
from docgen.model.loader import load_data, parse_text

ROOT = Path(__file__).resolve().parents[2]

BASE = Scheme.model_validate({
    "điểm tối đa": 100,
    "thành phần": [{"mã": "tham_dinh", "tên": "TĐ", "điểm tối đa": 70},
                   {"mã": "xhh", "tên": "XHH", "điểm tối đa": 30}],
    "lĩnh vực thuộc thành phần": "tham_dinh",
    "lĩnh vực": [{"mã": "a", "tên": "A", "điểm tối đa": 30}, {"mã": "b", "tên": "B", "điểm tối đa": 40}],
    "xếp loại": [{"tên": "TỐT", "từ": 80}, {"tên": "KHÁ", "dưới": 80}],
    "số lẻ điểm": 2,
})


def test_a_given_key_replaces_the_dossiers_and_the_others_are_inherited() -> None:
    override = SchemeOverride.model_validate(
        {"lĩnh vực": [{"mã": "a", "tên": "A", "điểm tối đa": 70}], "số lẻ điểm": 1})
    scheme = effective_scheme(BASE, override)
    assert [(f.key, f.max) for f in scheme.fields] == [("a", Decimal(70))]
    assert scheme.score_decimals == 1
    assert scheme.components == BASE.components  # inherited
    assert scheme.bands == BASE.bands
    assert scheme.fields_component == "tham_dinh"
    assert effective_scheme(BASE, None) is BASE


def test_a_blank_list_means_none_and_a_blank_number_means_the_dossiers() -> None:
    override = SchemeOverride.model_validate({"lĩnh vực": None, "số lẻ điểm": None,
                                              "lĩnh vực thuộc thành phần": None})
    scheme = effective_scheme(BASE, override)
    assert scheme.fields == [] and scheme.fields_component is None
    assert scheme.score_decimals == 2


def _son_la_with_block_scheme(block_scheme: str, units: str | None = None) -> dict:
    text = (ROOT / "fixtures" / "son-la-2025.yaml").read_text(encoding="utf-8")
    data = parse_text(text, "d.yaml")
    data["khối"][1]["thang điểm"] = _yaml(block_scheme)
    if units is not None:
        data["khối"][1]["đơn vị"] = _yaml(units)
    return data


def _yaml(text: str) -> object:
    return parse_text(f"v: {text}", "d.yaml")["v"]


def test_each_blocks_units_are_checked_against_its_own_maxima() -> None:
    """The xã block's survey is worth 40 there (and the appraisal 60): 35 is fine for a xã,
    and a 65 appraisal is above the xã maximum though within the dossier's 70."""
    data = _son_la_with_block_scheme(
        "{thành phần: [{mã: tham_dinh, tên: TĐ, điểm tối đa: 60}, "
        "{mã: xhh, tên: XHH, điểm tối đa: 40}]}",
        "[{tên đơn vị: Xã A, điểm thành phần: {tham_dinh: 55, xhh: 35}},"
        " {tên đơn vị: Xã B, điểm thành phần: {tham_dinh: 65, xhh: 20}}]")
    with pytest.raises(InputError) as caught:
        load_data(data, "d.yaml")
    assert str(caught.value).splitlines() == [
        "d.yaml: khối thứ 2 (khối xã) › đơn vị thứ 2 (Xã B) › điểm thành phần › 'tham_dinh': "
        "cần từ 0 đến 60; nhận được 65"]


def test_a_blocks_scheme_is_checked_and_named_as_the_blocks() -> None:
    data = _son_la_with_block_scheme(
        "{thành phần: [{mã: tham_dinh, tên: TĐ, điểm tối đa: 60}, {mã: xhh, tên: XHH, điểm tối đa: 30}]}")
    with pytest.raises(InputError) as caught:
        load_data(data, "d.yaml")
    assert str(caught.value).splitlines() == [
        "d.yaml: khối thứ 2 (khối xã) › thang điểm › thành phần: cần tổng điểm tối đa các "
        "thành phần bằng 100; nhận được 90"]


def test_an_unknown_key_in_a_blocks_scheme_is_refused() -> None:
    data = _son_la_with_block_scheme("{điểm tối da: 100}")
    with pytest.raises(InputError) as caught:
        load_data(data, "d.yaml")
    assert "khối thứ 2 (khối xã) › thang điểm" in str(caught.value)


def test_the_canonical_json_keeps_what_the_block_gives_and_nothing_else() -> None:
    """Read back from the archive's JSON, a block's scheme is the same: keys not given stay
    inherited (not blanked), a key given blank stays blank."""
    from docgen.workflow.canonical import canonical_json, load_canonical

    data = _son_la_with_block_scheme("{số lẻ điểm: 1, thành phần điều tra: }")
    dossier = load_data(data, "d.yaml")
    again = load_canonical(canonical_json(dossier))
    assert again == dossier
    assert again.scheme_of(1).score_decimals == 1
    assert again.scheme_of(1).survey_component is None
    assert again.scheme_of(1).components == dossier.scheme.components
    assert json.loads(canonical_json(dossier))["blocks"][1]["scheme"] == {
        "score_decimals": 1, "survey_component": None}

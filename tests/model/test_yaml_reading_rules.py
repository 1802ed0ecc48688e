"""How the loader reads YAML: base-10 integers, no repeated keys, data keys kept, no floats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.errors import InputError
from docgen.formatting.numbers import format_number
from docgen.model.loader import _normalize_keys, parse_text


def test_integers_with_leading_zeros_are_decimal_not_octal() -> None:
    assert parse_text("số: 010\nkhác: 015\n", "x.yaml") == {"số": 10, "khác": 15}


def test_a_key_written_twice_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_text("năm: 2025\nnăm: 2024\n", "hồ-sơ.yaml")
    assert "hồ-sơ.yaml: dòng 2, cột 1" in str(caught.value)
    assert "khóa 'năm' xuất hiện hai lần" in str(caught.value)


def test_component_codes_inside_scores_are_not_renamed() -> None:
    data = {"Đơn_vị": [{"Tên đơn vị": "A", "điểm thành phần": {"Điểm": Decimal(1)}}]}
    assert _normalize_keys(data) == {
        "đơn vị": [{"tên đơn vị": "A", "điểm thành phần": {"Điểm": Decimal(1)}}]}


def test_a_float_never_reaches_the_formatter() -> None:
    with pytest.raises(TypeError):
        format_number(2.675, 2)  # type: ignore[arg-type]

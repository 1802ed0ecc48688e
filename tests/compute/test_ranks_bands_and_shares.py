"""Ranks with ties, half-open bands, means and largest-remainder shares."""

from decimal import Decimal

import pytest

from docgen.compute.ranking import band_index, rank
from docgen.rounding import round_half_up
from docgen.compute.shares import largest_remainder_shares, mean, percent


def d(*values):
    return [Decimal(v) for v in values]


@pytest.mark.parametrize(
    ("scores", "standard", "dense"),
    [
        (d("95", "90", "90", "80"), [1, 2, 2, 4], [1, 2, 2, 3]),
        (d("90", "95", "90", "80"), [2, 1, 2, 4], [2, 1, 2, 3]),
        (d("90", "90", "90"), [1, 1, 1], [1, 1, 1]),
        (d("90", "90", "85", "85", "70"), [1, 1, 3, 3, 5], [1, 1, 2, 2, 3]),
        (d("70", "80", "90"), [3, 2, 1], [3, 2, 1]),
        (d("90.00", "90", "89.99"), [1, 1, 3], [1, 1, 2]),
        (d("42"), [1], [1]),
        ([], [], []),
    ],
)
def test_it_ranks_ties_standard_way_and_dense_way(scores, standard, dense):
    assert rank(scores, "standard") == standard
    assert rank(scores, "dense") == dense


def test_it_ranks_the_standard_way_by_default():
    assert rank(d("95", "90", "90", "80")) == [1, 2, 2, 4]


LOWERS = [Decimal(90), Decimal(80), Decimal(70), None]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", 0), ("90", 0), ("90.00", 0), ("89.99", 1), ("80", 1), ("79.99", 2),
        ("70", 2), ("69.99", 3), ("0", 3),
    ],
)
def test_it_puts_a_score_on_a_bound_in_the_higher_band(score, expected):
    assert band_index(Decimal(score), LOWERS) == expected


def test_it_treats_a_zero_lower_bound_of_the_last_band_like_none():
    assert band_index(Decimal("0"), [Decimal(50), Decimal(0)]) == 1
    assert band_index(Decimal("49.99"), [Decimal(50), Decimal(0)]) == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (d("90.5", "91.14"), Decimal("90.82")),
        (d("80.00", "80.01"), Decimal("80.005")),
        (d("1", "2", "4"), Decimal("7") / 3),
        (d("57.9"), Decimal("57.9")),
    ],
)
def test_it_takes_the_exact_mean(values, expected):
    assert mean(values) == expected


def test_it_refuses_the_mean_of_nothing():
    with pytest.raises(ValueError):
        mean([])


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "expected"),
    [(1000, 1043, 2, "95.88"), (1000, 1000, 2, "100.00"), (4, 27, 1, "14.8"), (1, 8, 2, "12.50"),
     (1, 200, 0, "1"), (1, 400, 1, "0.3")],
)
def test_it_rounds_a_percentage_half_up(part, whole, decimals, expected):
    result = percent(part, whole, decimals)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [("85.025", 2, "85.03"), ("19.325", 2, "19.33"), ("0.005", 2, "0.01"), ("2.675", 2, "2.68"),
     ("-0.125", 2, "-0.13"), ("90.8", 2, "90.80"), ("57.895", 2, "57.90"), ("0.5", 0, "1")],
)
def test_it_rounds_decimals_half_up(value, decimals, expected):
    assert str(round_half_up(Decimal(value), decimals)) == expected


def test_it_refuses_to_round_a_float():
    with pytest.raises(TypeError):
        round_half_up(2.675, 2)


@pytest.mark.parametrize(
    ("counts", "decimals", "expected"),
    [
        ([8, 7], 2, ["53.33", "46.67"]),
        ([8, 7, 0, 0], 2, ["53.33", "46.67", "0.00", "0.00"]),
        ([13, 32, 17, 13], 2, ["17.33", "42.67", "22.67", "17.33"]),
        ([0, 4, 16, 7], 1, ["0.0", "14.8", "59.3", "25.9"]),
        ([1, 1, 1], 2, ["33.34", "33.33", "33.33"]),
        ([1] * 7, 2, ["14.29"] * 4 + ["14.28"] * 3),
        ([0, 0, 5], 2, ["0.00", "0.00", "100.00"]),
        ([2, 1, 0, 2], 2, ["40.00", "20.00", "0.00", "40.00"]),
        ([1, 2], 0, ["33", "67"]),
    ],
)
def test_it_shares_by_largest_remainder(counts, decimals, expected):
    assert [str(s) for s in largest_remainder_shares(counts, decimals)] == expected


SHARE_CASES = [
    ([8, 7], 2), ([13, 32, 17, 13], 2), ([0, 4, 16, 7], 1), ([1, 1, 1], 2), ([1] * 7, 2),
    ([0, 0, 5], 2), ([1] * 7, 1), ([1] * 7, 0), ([1, 1, 1], 0), ([3, 3, 3, 3, 3, 3], 2),
    ([1, 2, 3, 4, 5, 6, 7], 2), ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1), ([99, 1], 2),
    ([1, 999], 2), ([2, 2, 2], 1), ([5, 7, 11, 13], 3), ([1], 2), ([12, 0, 0, 0], 2),
    ([17, 29, 31, 6], 2), ([1, 1, 1, 1, 1, 1], 4),
]


@pytest.mark.parametrize(("counts", "decimals"), SHARE_CASES)
def test_it_makes_shares_add_up_to_exactly_100(counts, decimals):
    shares = largest_remainder_shares(counts, decimals)
    step = Decimal(1).scaleb(-decimals)
    assert sum(shares) == Decimal(100)
    whole = sum(counts)
    for count, share in zip(counts, shares, strict=True):
        exact = Decimal(count) * 100 / whole
        assert abs(share - exact) < step
        assert share.as_tuple().exponent == -decimals
        if count == 0:
            assert share == 0


def test_it_refuses_shares_of_an_empty_block():
    with pytest.raises(ValueError):
        largest_remainder_shares([0, 0], 2)

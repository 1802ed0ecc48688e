"""Year-over-year comparison: hand-made blocks worked out by hand, then the facts of the
Sơn La 2023/2022 fixture."""

from decimal import Decimal
from pathlib import Path

import pytest

from docgen.compute.compare import compare_blocks, compare_rounds, largest
from docgen.compute.results import compute_block, compute_round
from docgen.model.dossier import Block, Scheme
from docgen.model.loader import load_dossier

D = Decimal
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

SCHEME = Scheme.model_validate({
    "max_total": "30",
    "bands": [{"label": "A", "lower": "25"}, {"label": "B", "lower": "20", "upper": "25"},
              {"label": "C", "lower": "15", "upper": "20"}, {"label": "D", "upper": "15"}],
})


def block(units, name="khối thử"):
    return compute_block(Block.model_validate(
        {"name": name, "description": "Các đơn vị thử", "short_name": "đơn vị",
         "subject": "các đơn vị",
         "units": [{"name": n, "total": t} for n, t in units]}), SCHEME)


#: Last year: P 26 (rank 1), R cũ 24 (2), Q 22 (3), S 18 (4, written in another case and
#: spacing), T 14 (5, band D). T is gone this year.
LAST_YEAR = [("Đơn vị P", "26"), ("Đơn vị R cũ", "24"), ("Đơn vị Q", "22"),
             ("đơn vị  s", "18"), ("Đơn vị T", "14")]
#: This year: P 27,5 (1), Q 21,5 (2), R 21,5 (2), S 19 (4), N 16 (5, new).
THIS_YEAR = [("Đơn vị P", "27.5"), ("Đơn vị Q", "21.5"), ("Đơn vị R", "21.5"),
             ("Đơn vị S", "19"), ("Đơn vị N", "16")]
MAPPING = {"Đơn vị R": "Đơn vị R cũ"}


@pytest.fixture
def comparison():
    return compare_blocks(block(THIS_YEAR), block(LAST_YEAR), MAPPING)


def names(moves):
    return [m.unit.name for m in moves]


def test_units_are_matched_by_name_then_by_the_mapping_never_by_guess(comparison):
    pairs = [(m.unit.name, m.previous.name) for m in comparison.moves]
    assert pairs == [("Đơn vị P", "Đơn vị P"), ("Đơn vị Q", "Đơn vị Q"),
                     ("Đơn vị R", "Đơn vị R cũ"), ("Đơn vị S", "đơn vị s")]
    assert [u.name for u in comparison.new] == ["Đơn vị N"]
    assert [u.name for u in comparison.removed] == ["Đơn vị T"]


def test_average_and_gap_change(comparison):
    # this year (27,5 + 21,5 + 21,5 + 19 + 16) / 5 = 21,10; last year 104 / 5 = 20,80
    assert comparison.average_change == D("0.30")
    # gap 27,5 - 16 = 11,50 against 26 - 14 = 12,00
    assert comparison.gap_change == D("-0.50")


def test_score_changes_leave_new_and_removed_units_out(comparison):
    assert [(m.unit.name, m.score_change) for m in comparison.moves] == [
        ("Đơn vị P", D("1.5")), ("Đơn vị Q", D("-0.5")), ("Đơn vị R", D("-2.5")),
        ("Đơn vị S", D("1"))]
    assert names(comparison.rose) == ["Đơn vị P", "Đơn vị S"]
    assert names(comparison.fell) == ["Đơn vị Q", "Đơn vị R"]
    assert names(largest(comparison.rose, lambda m: m.score_change)) == ["Đơn vị P"]
    assert names(largest(comparison.fell, lambda m: m.score_change)) == ["Đơn vị R"]


def test_rank_moves_compare_published_ranks(comparison):
    # Q 3 -> 2 moves up one place; P 1 -> 1, R 2 -> 2 (tied with Q) and S 4 -> 4 keep theirs
    assert [(m.unit.name, m.previous.rank, m.unit.rank, m.rank_change)
            for m in comparison.moves] == [
        ("Đơn vị P", 1, 1, 0), ("Đơn vị Q", 3, 2, 1), ("Đơn vị R", 2, 2, 0),
        ("Đơn vị S", 4, 4, 0)]
    assert names(comparison.up) == ["Đơn vị Q"]
    assert names(comparison.kept) == ["Đơn vị P", "Đơn vị R", "Đơn vị S"]
    assert comparison.down == ()


def test_band_counts_against_last_year_including_a_band_gone_to_none(comparison):
    changes = [(c.band.label, c.count, c.previous_count, c.change) for c in comparison.bands]
    # A: P | P; B: Q, R | R cũ, Q; C: S, N | S; D: none | T
    assert changes == [("A", 1, 1, 0), ("B", 2, 2, 0), ("C", 2, 1, 1), ("D", 0, 1, -1)]


def test_an_explicit_mapping_claims_its_unit_even_from_a_same_named_one():
    current = block([("A", "20"), ("B", "21")])
    previous = block([("A", "19")])
    result = compare_blocks(current, previous, {"B": "A"})
    assert [(m.unit.name, m.previous.name) for m in result.moves] == [("B", "A")]
    assert [u.name for u in result.new] == ["A"]
    assert result.removed == ()


def test_blocks_are_paired_by_name_and_a_block_without_a_pair_is_not_compared():
    class Round:
        def __init__(self, *blocks):
            self.blocks = blocks

    this_year = Round(block(THIS_YEAR, "Khối Sở"), block(THIS_YEAR, "khối xã"))
    last_year = Round(block(LAST_YEAR, "khối sở"))
    result = compare_rounds(this_year, last_year, 2022, MAPPING)
    assert result.previous_year == 2022
    assert result.blocks[0] is not None and result.blocks[1] is None
    assert result.blocks[0].average_change == D("0.30")


# --- the two-round fixture -------------------------------------------------------------------


@pytest.fixture(scope="module")
def son_la():
    dossier = load_dossier(FIXTURES / "son-la-2023.yaml")
    previous = dossier.previous_round
    assert previous is not None and previous.year == 2022
    return compare_rounds(compute_round(dossier), compute_round(previous), previous.year,
                          dossier.previous.mapping).blocks


def by_name(moves):
    return {m.unit.name: m for m in moves}


def test_fixture_so_block(son_la):
    so = son_la[0]
    # 85,97 this year against 91,19 in 2022, as published: "giảm 5,22 điểm"
    assert so.average_change == D("-5.22")
    moves = by_name(so.moves)
    # rank 17 in 2022, rank 9 in 2023: "tăng 8 bậc", the largest move up
    assert moves["Sở Kế hoạch và Đầu tư"].rank_change == 8
    assert names(largest(so.up, lambda m: m.rank_change)) == ["Sở Kế hoạch và Đầu tư"]
    # rank 8 -> 15 and 93,75 -> 83,60: "giảm 7 bậc", "giảm 10,15 điểm"
    down = moves["Sở Nông nghiệp và Phát triển nông thôn"]
    assert (down.rank_change, down.score_change) == (-7, D("-10.15"))
    # the only unit with more points: 82,90 -> 83,05
    assert [(m.unit.name, m.score_change) for m in so.rose] == [
        ("Sở Lao động, Thương binh và Xã hội", D("0.15"))]
    # renamed through the mapping, first both years
    renamed = moves["Sở Giao thông vận tải"]
    assert (renamed.previous.name, renamed.rank_change, renamed.score_change) == (
        "Sở Giao thông - Vận tải", 0, D("-2.26"))
    assert [u.name for u in so.new] == ["Ban Quản lý các khu công nghiệp tỉnh"]
    assert [u.name for u in so.removed] == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"]
    assert (len(so.moves), len(so.up), len(so.kept), len(so.down)) == (19, 6, 4, 9)
    # Nhóm A 16 -> 2, B 3 -> 18, C 1 -> 0 (the unit gone), D 0 -> 0
    assert [(c.count, c.previous_count) for c in so.bands] == [(2, 16), (18, 3), (0, 1),
                                                               (0, 0)]


def test_fixture_huyen_block(son_la):
    huyen = son_la[1]
    assert huyen.average_change == D("-2.10")  # 85,84 against 87,94
    moves = by_name(huyen.moves)
    # matched although 2022 wrote "UBND Thành phố Sơn La"
    assert moves["UBND thành phố Sơn La"].rank_change == 2
    assert (moves["UBND huyện Phù Yên"].score_change,
            moves["UBND huyện Phù Yên"].rank_change) == (D("4.78"), 4)
    assert moves["UBND huyện Mai Sơn"].score_change == D("-8.48")
    assert names(largest(huyen.down, lambda m: m.rank_change)) == [
        "UBND huyện Mai Sơn", "UBND huyện Sốp Cộp"]  # both "giảm 3 bậc"
    assert (len(huyen.up), len(huyen.kept), len(huyen.down)) == (5, 3, 4)
    assert huyen.new == () and huyen.removed == ()

"""Invariants of a block's figures, over many generated blocks (hypothesis).

Whatever the scores: the bands' units add up to the block, the shares add up to exactly
100, and ranks follow the scores (higher score, better rank; equal scores, equal rank;
standard ranks skip what a tie uses up, dense ranks do not).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from docgen.compute.results import compute_block
from docgen.model.dossier import Band, Block, Scheme, Unit

totals = st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=60)


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    """Two to five bands with distinct, decreasing lower bounds, a tie rule and decimals."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=99), min_size=1, max_size=4)),
                  reverse=True)
    bands = [Band(label=f"M{i}", lower=Decimal(c), upper=Decimal(cuts[i - 1]) if i else None)
             for i, c in enumerate(cuts)]
    bands.append(Band(label="LAST", upper=Decimal(cuts[-1])))
    return Scheme(bands=bands, tie_rule=draw(st.sampled_from(["standard", "dense"])),
                  share_decimals=draw(st.integers(min_value=0, max_value=4)))


def _block(values: list[Decimal]) -> Block:
    return Block(name="khối", description="d", short_name="s", subject="s",
                 units=[Unit(name=f"Đơn vị {i}", total=v) for i, v in enumerate(values)])


@given(totals, schemes())
def test_band_counts_add_up_to_the_block(values: list[Decimal], scheme: Scheme) -> None:
    result = compute_block(_block(values), scheme)
    assert sum(len(b.units) for b in result.bands) == len(values) == result.size


@given(totals, schemes())
def test_shares_add_up_to_exactly_one_hundred(values: list[Decimal], scheme: Scheme) -> None:
    result = compute_block(_block(values), scheme)
    assert sum(b.share for b in result.bands) == Decimal(100)
    assert all(b.share >= 0 for b in result.bands)


@given(totals, schemes())
def test_each_unit_lies_in_its_band(values: list[Decimal], scheme: Scheme) -> None:
    for band in compute_block(_block(values), scheme).bands:
        for unit in band.units:
            assert band.band.lower is None or unit.total >= band.band.lower
            assert band.band.upper is None or unit.total < band.band.upper


@given(totals, schemes())
def test_ranks_agree_with_the_order_of_scores(values: list[Decimal], scheme: Scheme) -> None:
    units = compute_block(_block(values), scheme).units
    for a in units:
        for b in units:
            if a.total > b.total:
                assert a.rank < b.rank
            elif a.total == b.total:
                assert a.rank == b.rank
    distinct_above = {u.total: len({v.total for v in units if v.total > u.total}) for u in units}
    for u in units:
        above = sum(1 for v in units if v.total > u.total)
        expected = 1 + (above if scheme.tie_rule == "standard" else distinct_above[u.total])
        assert u.rank == expected
    assert [u.rank for u in units] == sorted(u.rank for u in units)  # listed in rank order

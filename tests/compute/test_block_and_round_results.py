"""compute_block on hand-made blocks; compute_round on the Sơn La and Phù Yên fixtures."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from docgen.compute.results import compute_block, compute_round, unit_total
from docgen.model.dossier import Block, Scheme
from docgen.model.loader import load_dossier

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

BANDS = [
    {"label": "A", "lower": "90"},
    {"label": "B", "lower": "80", "upper": "90"},
    {"label": "C", "lower": "70", "upper": "80"},
    {"label": "D", "upper": "70"},
]


def scheme(tie_rule="standard", components=True):
    data = {"bands": BANDS, "tie_rule": tie_rule}
    if components:
        data["components"] = [
            {"key": "a", "name": "Thẩm định", "max": "70"},
            {"key": "b", "name": "Điều tra xã hội học", "max": "30"},
        ]
    return Scheme.model_validate(data)


def block(units):
    return Block.model_validate(
        {"name": "khối thử", "description": "Các đơn vị thử", "short_name": "đơn vị",
         "subject": "các đơn vị", "units": units}
    )


#: U1 and U2 tie at the top, U4 and U5 tie at the bottom, no unit falls in band C,
#: U3's exact total 85.005 is published as 85.01.
HAND_UNITS = [
    {"name": "U1", "scores": {"a": "60", "b": "30"}},
    {"name": "U2", "scores": {"a": "62.46", "b": "27.54"}},
    {"name": "U3", "scores": {"a": "60", "b": "25.005"}},
    {"name": "U4", "scores": {"a": "55", "b": "10"}},
    {"name": "U5", "scores": {"a": "50", "b": "15"}},
]


@pytest.fixture
def hand_block():
    return compute_block(block(HAND_UNITS), scheme())


def names(units):
    return [u.name for u in units]


def test_it_rounds_each_total_half_up_before_anything_else(hand_block):
    totals = {u.name: u.total for u in hand_block.units}
    assert totals == {"U1": Decimal("90.00"), "U2": Decimal("90.00"), "U3": Decimal("85.01"),
                      "U4": Decimal("65.00"), "U5": Decimal("65.00")}
    assert str(totals["U3"]) == "85.01"


@pytest.mark.parametrize(
    ("tie_rule", "ranks"),
    [("standard", [1, 1, 3, 4, 4]), ("dense", [1, 1, 2, 3, 3])],
)
def test_it_ranks_ties_by_the_schemes_rule(tie_rule, ranks):
    result = compute_block(block(HAND_UNITS), scheme(tie_rule))
    assert [u.rank for u in result.units] == ranks
    assert names(result.units) == ["U1", "U2", "U3", "U4", "U5"]  # ties keep dossier order


def test_it_orders_units_by_rank_then_dossier_position():
    units = [{"name": "Low", "total": "50"}, {"name": "TopB", "total": "95"},
             {"name": "TopA", "total": "95"}, {"name": "Mid", "total": "85"}]
    result = compute_block(block(units), scheme(components=False))
    assert names(result.units) == ["TopB", "TopA", "Mid", "Low"]
    assert [u.order for u in result.units] == [1, 2, 3, 0]


def test_it_fills_bands_and_leaves_a_band_with_no_unit_empty(hand_block):
    assert [b.band.label for b in hand_block.bands] == ["A", "B", "C", "D"]
    assert [names(b.units) for b in hand_block.bands] == [["U1", "U2"], ["U3"], [], ["U4", "U5"]]
    assert [b.share for b in hand_block.bands] == [Decimal("40.00"), Decimal("20.00"),
                                                   Decimal("0.00"), Decimal("40.00")]
    assert [u.band for u in hand_block.units] == [0, 0, 1, 3, 3]


def test_it_averages_and_counts_the_block(hand_block):
    # (90.00 + 90.00 + 85.01 + 65.00 + 65.00) / 5 = 79.002
    assert hand_block.average == Decimal("79.00")
    assert hand_block.below_average == 2
    assert hand_block.size == 5


def test_it_names_every_unit_tied_for_highest_and_lowest(hand_block):
    assert names(hand_block.highest) == ["U1", "U2"]
    assert names(hand_block.lowest) == ["U4", "U5"]
    assert hand_block.gap == Decimal("25.00")


def test_it_averages_each_component(hand_block):
    a, b = hand_block.components
    # a: (60 + 62.46 + 60 + 55 + 50) / 5 = 57.492
    assert (a.key, a.name, a.max) == ("a", "Thẩm định", Decimal("70"))
    assert a.average == Decimal("57.49")
    assert a.below == 2
    assert names(a.best) == ["U2"]
    assert names(a.worst) == ["U5"]
    # b: (30 + 27.54 + 25.005 + 10 + 15) / 5 = 21.509
    assert b.average == Decimal("21.51")
    assert b.below == 2
    assert names(b.best) == ["U1"]
    assert names(b.worst) == ["U4"]
    assert hand_block.component("b") is b
    assert hand_block.component("zz") is None


def test_it_names_every_unit_tied_for_best_component():
    units = [{"name": "X", "scores": {"a": "70", "b": "20"}},
             {"name": "Y", "scores": {"a": "70", "b": "10"}},
             {"name": "Z", "scores": {"a": "40", "b": "10"}}]
    result = compute_block(block(units), scheme())
    a, b = result.components
    assert names(a.best) == ["X", "Y"]
    assert names(a.worst) == ["Z"]
    assert names(b.worst) == ["Y", "Z"]


def test_it_has_no_component_statistics_for_totals_only():
    result = compute_block(block([{"name": "X", "total": "91"}]), scheme(components=False))
    assert result.components == ()
    assert result.fields == ()


@pytest.mark.parametrize(
    ("totals", "average", "below"),
    [
        # exact mean 80.005 is published half-up as 80.01
        (["80.00", "80.01"], "80.01", 1),
        # exact mean 80.00333… is published as 80.00: the units at 80.00 are NOT below
        # the published average, although they are below the exact mean
        (["80.00", "80.00", "80.01"], "80.00", 0),
        (["90", "90", "90"], "90.00", 0),
        # totals are rounded first: (85.03 + 70.00) / 2 = 77.515 -> 77.52, whereas the
        # unrounded totals would give (85.025 + 70) / 2 = 77.5125 -> 77.51
        (["85.025", "70"], "77.52", 1),
    ],
)
def test_it_counts_below_average_against_the_rounded_published_average(totals, average, below):
    units = [{"name": f"U{i}", "total": t} for i, t in enumerate(totals)]
    result = compute_block(block(units), scheme(components=False))
    assert result.average == Decimal(average)
    assert str(result.average) == average
    assert result.below_average == below


def test_it_takes_a_unit_total_as_given_or_sums_its_parts():
    b = block([{"name": "T", "total": "88.5"},
               {"name": "S", "scores": {"a": "60.25", "b": "25.5"}}])
    assert [unit_total(u) for u in b.units] == [Decimal("88.5"), Decimal("85.75")]


# --- the fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def son_la():
    return compute_round(load_dossier(FIXTURES / "son-la-2025.yaml"))


@pytest.fixture(scope="module")
def phu_yen():
    return compute_round(load_dossier(FIXTURES / "phu-yen-2022.yaml"))


def test_it_reproduces_the_published_khoi_so_figures(son_la):
    so = son_la.blocks[0]
    assert so.block.name == "khối sở"
    assert so.size == 15
    assert so.average == Decimal("90.82")
    assert [len(b.units) for b in so.bands] == [8, 7, 0, 0]
    assert [b.share for b in so.bands] == [Decimal("53.33"), Decimal("46.67"), Decimal("0.00"),
                                           Decimal("0.00")]


def test_it_lists_the_excellent_khoi_so_units_in_rank_order(son_la):
    assert names(son_la.blocks[0].bands[0].units) == [
        "Sở Xây dựng", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh",
        "Văn phòng UBND tỉnh", "Sở Tài chính", "Ban Quản lý Các KCN tỉnh", "Sở Tư pháp",
    ]
    assert [u.rank for u in son_la.blocks[0].units] == list(range(1, 16))


def test_it_finds_the_khoi_so_extremes(son_la):
    so = son_la.blocks[0]
    assert names(so.highest) == ["Sở Xây dựng"]  # 67.94 + 28.69
    assert so.highest[0].total == Decimal("96.63")
    assert names(so.lowest) == ["Sở Văn hóa thể thao và Du lịch"]  # 59.25 + 23.37
    assert so.lowest[0].total == Decimal("82.62")
    assert so.gap == Decimal("14.01")


def test_it_reproduces_the_published_khoi_xa_figures(son_la):
    xa = son_la.blocks[1]
    assert xa.block.name == "khối xã"
    assert xa.size == 75
    assert xa.average == Decimal("80.51")
    assert [len(b.units) for b in xa.bands] == [13, 32, 17, 13]
    assert [b.share for b in xa.bands] == [Decimal("17.33"), Decimal("42.67"), Decimal("22.67"),
                                           Decimal("17.33")]
    assert names(xa.highest) == ["Sông Mã"]  # 68.81 + 28.14
    assert xa.highest[0].total == Decimal("96.95")
    assert names(xa.lowest) == ["Chiềng Sại"]  # 42.43 + 15.96
    assert xa.lowest[0].total == Decimal("58.39")


def test_it_computes_the_survey_rates(son_la):
    assert son_la.survey.return_rate == Decimal("95.88")  # 1.000 / 1.043
    assert son_la.survey.valid_rate == Decimal("100.00")  # 1.000 / 1.000
    assert str(son_la.survey.valid_rate) == "100.00"


def test_it_reproduces_the_published_phu_yen_figures(phu_yen):
    (xa,) = phu_yen.blocks
    assert xa.size == 27
    assert [len(b.units) for b in xa.bands] == [0, 4, 16, 7]
    assert [str(b.share) for b in xa.bands] == ["0.0", "14.8", "59.3", "25.9"]
    assert names(xa.highest) == ["Tường Phù"]
    assert xa.highest[0].total == Decimal("77.14")
    assert names(xa.lowest) == ["Huy Tường"]
    assert str(xa.lowest[0].total) == "30.00"
    assert str(xa.average) == "57.90"
    assert xa.components == ()
    assert phu_yen.survey is None


def test_it_ranks_phu_yen_densely_without_ties(phu_yen):
    assert [u.rank for u in phu_yen.blocks[0].units] == list(range(1, 28))


def _numbers(value, path="result"):
    """Yield (path, value) for every number-like leaf of a result structure."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _numbers(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _numbers(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _numbers(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, f"{path}[{key!r}]")
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        yield path, value


@pytest.mark.parametrize("fixture", ["son_la", "phu_yen"])
def test_it_never_lets_a_float_into_the_results(fixture, request):
    result = request.getfixturevalue(fixture)
    leaves = list(_numbers(result))
    assert len(leaves) > 100
    floats = [(path, v) for path, v in leaves if not isinstance(v, (Decimal, int))]
    assert floats == []

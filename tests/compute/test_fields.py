"""Per-field (lĩnh vực) results on a hand-made block, every figure worked out by hand."""

from decimal import Decimal

from docgen.compute.fields import field_results
from docgen.compute.results import compute_block
from docgen.model.dossier import Block, Scheme

D = Decimal

SCHEME = Scheme.model_validate({
    "max_total": "30",
    "fields": [{"key": "f1", "name": "Lĩnh vực một", "max": "10"},
               {"key": "f2", "name": "Lĩnh vực hai", "max": "20"}],
    "bands": [{"label": "A", "lower": "25"}, {"label": "B", "lower": "20", "upper": "25"},
              {"label": "C", "upper": "20"}],
})

#: P 27,50 (rank 1), Q 21,50 and R 21,50 (both rank 2), S 19,00 (rank 4).
UNITS = [
    {"name": "P", "fields": {"f1": "9.5", "f2": "18"}, "self_fields": {"f1": "10", "f2": "19"}},
    {"name": "Q", "fields": {"f1": "9.5", "f2": "12"}, "self_fields": {"f1": "9.5", "f2": "13"}},
    {"name": "R", "fields": {"f1": "6.25", "f2": "15.25"},
     "self_fields": {"f1": "7", "f2": "17"}},
    {"name": "S", "fields": {"f1": "7", "f2": "12"}, "self_fields": {"f1": "8", "f2": "12.5"},
     "self_total": "20.5"},
]


def results(units=UNITS):
    block = Block.model_validate({"name": "khối thử", "description": "Các đơn vị thử",
                                  "short_name": "đơn vị", "subject": "các đơn vị",
                                  "units": units})
    return field_results(compute_block(block, SCHEME), SCHEME)


def names(units):
    return [u.name for u in units]


def test_average_of_each_field_against_its_maximum():
    f1, f2 = results().fields
    # f1: (9,5 + 9,5 + 6,25 + 7) / 4 = 8,0625 -> 8,06, that is 80,60% of 10
    assert (f1.average, f1.percent) == (D("8.06"), D("80.60"))
    # f2: (18 + 12 + 15,25 + 12) / 4 = 14,3125 -> 14,31, that is 71,55% of 20
    assert (f2.average, f2.percent) == (D("14.31"), D("71.55"))
    assert (f1.max, f2.max) == (D(10), D(20))


def test_best_and_worst_name_every_unit_on_a_tie_in_rank_order():
    f1, f2 = results().fields
    assert (names(f1.best), f1.best_score) == (["P", "Q"], D("9.5"))
    assert (names(f1.worst), f1.worst_score) == (["R"], D("6.25"))
    assert (names(f2.best), f2.best_score) == (["P"], D("18"))
    assert (names(f2.worst), f2.worst_score) == (["Q", "S"], D("12"))


def test_self_assessment_averages_round_half_up():
    fields = results()
    assert fields.has_self
    # TĐG f1: (10 + 9,5 + 7 + 8) / 4 = 8,625 -> 8,63; f2: (19 + 13 + 17 + 12,5) / 4 = 15,375
    assert [f.self_average for f in fields.fields] == [D("8.63"), D("15.38")]
    # TĐG totals: 29 + 22,5 + 24 + 20,5 (given) = 96, / 4 = 24
    assert [r.self_total for r in fields.rows] == [D("29.00"), D("22.50"), D("24.00"),
                                                   D("20.50")]
    assert fields.self_total_average == D("24.00")


def test_rows_follow_the_ranking():
    rows = results().rows
    assert [(r.unit.name, r.unit.rank) for r in rows] == [("P", 1), ("Q", 2), ("R", 2),
                                                          ("S", 4)]
    assert rows[2].self_fields == (D("7.00"), D("17.00"))


def test_no_self_columns_unless_every_unit_has_them():
    units = [dict(u) for u in UNITS]
    del units[3]["self_fields"]
    fields = results(units)
    assert not fields.has_self
    assert fields.self_total_average is None
    assert all(f.self_average is None for f in fields.fields)
    assert all(r.self_fields == () for r in fields.rows)


def test_a_block_without_field_scores_has_no_field_results():
    units = [{"name": "P", "total": "27.5"}, {"name": "Q", "total": "21.5"}]
    assert results(units) is None

"""A pattern tile of an SVG picture is drawn once, and kept for any picture holding the
same tile in the next document (docgen.render.pdf)."""

from __future__ import annotations

import io
from collections import OrderedDict
from datetime import datetime

import pytest
from pypdf import PdfReader

from docgen.render import pdf
from docgen.render.meta import DocumentMeta

META = DocumentMeta("Báo cáo", "Sở Nội vụ", datetime(2025, 12, 16, 8, 30))

#: A dotted tile (as matplotlib writes a "...." hatch) filling bars at uneven heights, and a
#: half-transparent striped one: the second fill of each pattern replays the first.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="120pt"
 viewBox="0 0 200 120">
 <defs>
  <pattern id="dots" patternUnits="userSpaceOnUse" x="0" y="0" width="72" height="72">
   <rect x="0" y="0" width="73" height="73" fill="#ffdcdc"/>
   <path d="{dots}" style="fill: #b2182b; stroke: #b2182b; stroke-width: 0.5"/>
  </pattern>
  <pattern id="lines" patternUnits="userSpaceOnUse" x="0" y="0" width="72" height="72">
   <rect x="0" y="0" width="73" height="73" fill="#2c7bb6"/>
   <path d="M -36 36 L 36 -36 M 0 72 L 72 0" style="stroke: #fff; stroke-opacity: 0.5"/>
  </pattern>
 </defs>
 {bars}
</svg>"""


def _svg(heights: tuple[float, ...] = (3.1, 15.7, 27.2, 40.9, 52.05, 66.6, 80.3, 99.9)
         ) -> bytes:
    dots = " ".join(f"M {x} {y} m -1 0 a 1 1 0 1 0 2 0 a 1 1 0 1 0 -2 0"
                    for x in range(0, 72, 6) for y in range(0, 72, 6))
    bars = "".join(f'<path d="M 10 {y} L {60 + 7 * i} {y} L {60 + 7 * i} {y + 7.3} L 10 {y + 7.3} z"'
                   f' style="fill: url(#{"dots" if i % 2 else "lines"})"/>'
                   for i, y in enumerate(heights))
    return SVG.format(dots=dots, bars=bars).encode()


def _typeset(picture: bytes | None = None, name: str = "chart") -> bytes:
    html = ('<html><head></head><body><p>Biểu đồ 1</p>'
            f'<img src="docgen-image:{name}.svg" alt="Biểu đồ 1. Số liệu" style="width: 200pt; height: 120pt"></body></html>')
    return pdf.typeset(html, {f"docgen-image:{name}.svg": picture or _svg()}, META, tagged=True)


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The ids of the tiles WeasyPrint draws itself, with nothing kept beforehand."""
    ids: list[str] = []
    original = pdf._TileOnce.original

    class Counting(original):
        def draw(self, *args, **kwargs):
            ids.append(self.tree.get("id"))
            return super().draw(*args, **kwargs)

    monkeypatch.setattr(pdf._TileOnce, "original", Counting)
    monkeypatch.setattr(pdf, "_TILES", OrderedDict())
    return ids


def test_each_tile_is_drawn_once_per_picture(drawn: list[str]) -> None:
    data = _typeset()
    assert sorted(drawn) == ["dots", "lines"]
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert "Biểu đồ 1" in page.extract_text()
    assert _typeset() == data  # the same picture again: nothing drawn, the same bytes
    assert sorted(drawn) == ["dots", "lines"]


def test_another_picture_with_the_same_tiles_draws_none(drawn: list[str],
                                                      monkeypatch) -> None:
    _typeset()
    other = _svg((5.0, 20.5, 31.0, 47.25))
    assert sorted(drawn) == ["dots", "lines"]
    ours = _typeset(other, "other")
    assert sorted(drawn) == ["dots", "lines"]  # new bars, the same two tiles: replayed
    from weasyprint import svg

    monkeypatch.setattr(svg, "Pattern", pdf._TileOnce.original)
    assert _typeset(other, "other") == ours  # as WeasyPrint draws it itself


def test_a_changed_tile_is_drawn_again(drawn: list[str]) -> None:
    _typeset()
    _typeset(_svg().replace(b"#ffdcdc", b"#ffffff"))
    assert sorted(drawn) == ["dots", "dots", "lines"]


def test_a_tile_with_text_is_drawn_for_each_shape(drawn: list[str]) -> None:
    text = f'<text style="font-family: {pdf.typeface().family!r}">x</text>'
    svg = _svg().replace(b'stroke-width: 0.5"/>', b'stroke-width: 0.5"/>' + text.encode(), 1)
    html = ('<html><head></head><body><img src="docgen-image:t.svg" alt="Biểu đồ" '
            'style="width: 200pt; height: 120pt"></body></html>')
    pdf.typeset(html, {"docgen-image:t.svg": svg}, META, tagged=True)
    assert sorted(drawn) == ["dots"] * 4 + ["lines"]


def test_the_bytes_are_those_of_weasyprints_own_drawing(monkeypatch) -> None:
    from weasyprint import svg

    ours = _typeset()
    monkeypatch.setattr(svg, "Pattern", pdf._TileOnce.original)
    assert _typeset() == ours


def test_the_warm_up_draws_the_tile_of_every_band(drawn: list[str]) -> None:
    """A render pool worker draws the tiles at its start: its first chart replays them,
    and the sample it drew them from is forgotten (no picture of any document)."""
    from docgen.render import charts

    charts.take_saved()  # what earlier tests drew here
    pdf.warm_up_charts()
    assert charts.take_saved() == {}
    assert charts.data_key(charts.band_sample()) not in charts._DRAWN
    assert len(set(drawn)) == len(charts.BAND_HATCHES)
    drawn.clear()
    chart = {**charts.band_sample(), "labels": ["Xã Ơn", "Xã Chiềng Ơn", "Phường Tô Hiệu"],
             "values": ["93,5", "71", "64"], "bands": ["0", "2", "3"],
             "band_names": ["Mức XUẤT SẮC", "Mức TỐT", "Mức TRUNG BÌNH", "Mức THẤP", "5", "6"],
             "thresholds": ["90", "80", "70"]}
    chart["values"] = [v.replace(",", ".") for v in chart["values"]]
    picture = charts.svg(chart, family=pdf.typeface().family).encode("utf-8")
    assert _typeset(picture, "ranking")
    assert drawn == []

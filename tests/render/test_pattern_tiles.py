"""A pattern tile of an SVG picture is drawn once per picture (docgen.render.pdf)."""

from __future__ import annotations

import io
from datetime import datetime

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


def _svg() -> bytes:
    dots = " ".join(f"M {x} {y} m -1 0 a 1 1 0 1 0 2 0 a 1 1 0 1 0 -2 0"
                    for x in range(0, 72, 6) for y in range(0, 72, 6))
    bars = "".join(f'<path d="M 10 {y} L {60 + 7 * i} {y} L {60 + 7 * i} {y + 7.3} L 10 {y + 7.3} z"'
                   f' style="fill: url(#{"dots" if i % 2 else "lines"})"/>'
                   for i, y in enumerate([3.1, 15.7, 27.2, 40.9, 52.05, 66.6, 80.3, 99.9]))
    return SVG.format(dots=dots, bars=bars).encode()


def _typeset() -> bytes:
    html = ('<html><head></head><body><p>Biểu đồ 1</p>'
            '<img src="docgen-image:chart.svg" alt="Biểu đồ 1. Số liệu" style="width: 200pt; height: 120pt"></body></html>')
    return pdf.typeset(html, {"docgen-image:chart.svg": _svg()}, META, tagged=True)


def test_each_tile_is_drawn_once_per_picture(monkeypatch) -> None:
    drawn = []
    original = pdf._TileOnce.original

    class Counting(original):
        def draw(self, *args, **kwargs):
            drawn.append(self.tree.get("id"))
            return super().draw(*args, **kwargs)

    monkeypatch.setattr(pdf._TileOnce, "original", Counting)
    data = _typeset()
    assert sorted(drawn) == ["dots", "lines"]
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert "Biểu đồ 1" in page.extract_text()


def test_the_bytes_are_those_of_weasyprints_own_drawing(monkeypatch) -> None:
    from weasyprint import svg

    ours = _typeset()
    monkeypatch.setattr(svg, "Pattern", pdf._TileOnce.original)
    assert _typeset() == ours

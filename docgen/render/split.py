"""A long Phụ lục PDF cut into page-aligned parts, rendered apart (on a pool) and joined.

A first-try implementation for one case: a Phụ lục of one block without a lĩnh vực table
(the long appendix of a ministry or a province's communes). Everything else renders whole.

How the parts stay page-aligned. The results table has ``table-layout: fixed``, its rows
never break and its header repeats, so what a page holds depends only on the row it starts
with. A probe render of the first rows gives the rows on page 1 and on a full page; the
parts are cut at the rows where pages are expected to start. Each part but the last is
rendered with one row more than it keeps: that row must land alone on a new last page —
proof that the single render starts a page there too — and that page is dropped. A part
after the first starts at its table (no title, no draft mark) with the page counter set to
its first page number. If any check fails (a name that wraps makes a taller row, say),
:func:`render_split` returns None and the caller renders the document whole.

Joined with pypdf, which keeps each part's font subsets; the text, page for page, equals a
single render's (tested). The first part's output intent, XMP metadata and language are
carried over (the parts are PDF/A-2b; the joined file was not checked by a validator).
The bytes are not a single render's bytes.
"""

from __future__ import annotations

import copy
import gc
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from docgen.render.meta import DocumentMeta

__all__ = ["Part", "render_part", "render_split", "splittable"]

#: The appendix's results table, where a part after the first starts.
TABLE_OPEN = '<table class="results">'
#: Rows rendered to learn how many fit on page 1 and on a full page.
PROBE_ROWS = 120
#: Below this many units the document is rendered whole.
MIN_UNITS = 400


@dataclass(frozen=True)
class Part:
    """Units ``start:stop`` of the block, on pages numbered from `first_page`."""

    start: int
    stop: int
    first_page: int

    @property
    def continued(self) -> bool:
        return self.start > 0


def splittable(context: Mapping[str, Any]) -> bool:
    """True for a Phụ lục this module knows how to split: one block, no lĩnh vực table."""
    blocks = context.get("blocks") or []
    return (len(blocks) == 1 and not blocks[0].get("field_table")
            and len(blocks[0].get("units") or []) >= MIN_UNITS)


def render_part(template: Path, context: Mapping[str, Any], meta: DocumentMeta,
                part: Part) -> bytes:
    """Render units ``part.start:part.stop`` of the one block as the pages of `part`."""
    from docgen.render import pdf

    # The renderer pauses the collector during layout; the boxes of the previous document
    # of this worker may still be waiting for it. Free them first, so that a worker's
    # memory is bounded by the size of one part.
    gc.collect()
    sliced = copy.copy(dict(context))
    block = dict(context["blocks"][0])
    block["units"] = list(block["units"][part.start:part.stop])
    sliced["blocks"] = [block]
    if not part.continued:
        return pdf.render(template, sliced, meta)
    return pdf.render(template, sliced, meta, html_filter=_from_the_table,
                      page_css=_CONTINUED.format(page=part.first_page))


#: A part after the first: numbered from its first page, and its table starting at the
#: top of the page as a table continued from the page before does (no margin above it).
_CONTINUED = ("@page :first {{ counter-reset: page {page}; @top-center {{ content: counter(page); }} }}"
              " table.results {{ margin-top: 0; }}")


def _from_the_table(html: str) -> str:
    """The document's head and body with only the results table in the body."""
    body = html.index("<body>") + len("<body>")
    return html[:body] + html[html.index(TABLE_OPEN):]


def render_split(template: Path, context: Mapping[str, Any], meta: DocumentMeta,
                 run: Callable[[Sequence[Part]], list[bytes]], parts: int = 2) -> bytes | None:
    """Return the Phụ lục PDF rendered in `parts` page-aligned parts joined, or None when
    it cannot be split safely. `run` renders parts (in parallel) and returns their PDFs."""
    units = context["blocks"][0]["units"]
    signatures = [_squeeze(f"{u['index']}{u['name']}") for u in units]
    (probe,) = run([Part(0, min(PROBE_ROWS, len(units)), 1)])
    pages = _texts(probe)
    if len(pages) < 3:
        return None
    on_first = _rows_on(pages[0], signatures)
    per_page = _rows_on(pages[1], signatures)
    if not on_first or not per_page:
        return None
    total_pages = 1 + math.ceil((len(units) - on_first) / per_page)
    # page numbers where each part starts, then the unit each of those pages starts with
    starts = [1 + round(k * total_pages / parts) for k in range(parts)]
    rows = [0] + [on_first + per_page * (page - 2) for page in starts[1:]]
    if any(b <= a for a, b in zip(rows, rows[1:], strict=False)) or rows[-1] >= len(units):
        return None
    plan = [Part(rows[k], rows[k + 1] + 1 if k + 1 < parts else len(units), starts[k])
            for k in range(parts)]
    rendered = run(plan)
    kept: list[tuple[PdfReader, int]] = []
    for k, (part, data) in enumerate(zip(plan, rendered, strict=True)):
        reader = PdfReader(io.BytesIO(data))
        texts = [_squeeze(page.extract_text()) for page in reader.pages]
        if signatures[part.start] not in texts[0]:
            return None
        if part.continued and len(texts) > 2 and _rows_on(texts[0], signatures) != per_page:
            return None  # its first page must hold what a page of the single render holds
        if k + 1 < parts:
            nxt = rows[k + 1]
            # the extra row alone on a last page of its own: a page starts there
            if (len(texts) < 2 or signatures[nxt] not in texts[-1]
                    or signatures[nxt - 1] in texts[-1] or signatures[nxt - 1] not in texts[-2]):
                return None
            kept.append((reader, len(texts) - 1))
        else:
            kept.append((reader, len(texts)))
    return _join(kept)


#: Catalogue entries of the first part carried into the joined file.
_CATALOGUE_KEPT = ("/OutputIntents", "/Metadata", "/Lang", "/MarkInfo")


def _join(kept: list[tuple[PdfReader, int]]) -> bytes:
    writer = PdfWriter()
    for reader, count in kept:
        for page in reader.pages[:count]:
            writer.add_page(page)
    first = kept[0][0]
    metadata = first.metadata or {}
    writer.add_metadata({key: str(value) for key, value in metadata.items()})
    # the PDF/A parts of the catalogue (output intent, XMP, language), from the first part
    catalogue = first.trailer["/Root"]
    for key in _CATALOGUE_KEPT:
        if key in catalogue:
            writer.root_object[NameObject(key)] = catalogue[key].clone(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _texts(data: bytes) -> list[str]:
    return [_squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _rows_on(page: str, signatures: Sequence[str]) -> int:
    """How many of the first units, in order, the page's text holds (from its first)."""
    found = [i for i, signature in enumerate(signatures) if signature in page]
    if not found:
        return 0
    return found[-1] - found[0] + 1

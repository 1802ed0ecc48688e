"""Phụ lục dossiers with long tables, for the tests of :mod:`docgen.render.long_table`:
the Sơn La 2025 dossier with blocks of chosen unit names, rendered with the long table
set directly and with WeasyPrint laying out the same table itself."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.render import long_table, pdf

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"
PLACES = "Chiềng Mường Nậm Phiêng Tà Huổi Púng Lóng Suối Bó Tân Yên Mai Sơn Hòa Phúc".split()


def names(count: int, seed: int, kind: str = "Xã") -> list[str]:
    rng = random.Random(seed)
    return [f"{kind} {rng.choice(PLACES)} {rng.choice(PLACES)} {index + 1}"
            for index in range(count)]


def dossier(*blocks: list[str]):
    """The dossier whose blocks hold these unit names (one block: the khối xã's settings;
    two: the khối sở's, then the khối xã's), with scores drawn from the names."""
    base = load_dossier(FIXTURE)
    settings = base.blocks[-len(blocks):]
    out = []
    for block, unit_names in zip(settings, blocks, strict=True):
        rng = random.Random(len(unit_names))
        units = [{"name": name, "scores": {
            "tham_dinh": Decimal(rng.randint(3500, 7000)) / 100,
            "xhh": Decimal(rng.randint(1500, 3000)) / 100}} for name in unit_names]
        out.append({**block.model_dump(exclude={"units"}), "units": units})
    return type(base).model_validate({**base.model_dump(), "blocks": out})


def phu_luc(model, fmt: str = "pdf", root: Path | None = None) -> bytes:
    (document,) = render_package(model, formats=[fmt], kinds=["phu_luc"],
                                 template_root=root)
    return document.data


def words(data: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [page.extract_words() for page in document.pages]


@dataclass
class Rendered:
    direct: bytes
    weasy: bytes
    #: whether the long tables were set directly (not left to WeasyPrint)
    used: bool = True
    #: (first, last) body rows of each page part, per table, in the order cut
    cuts: list[list[tuple[int, int]]] = field(default_factory=list)


def both(model, root: Path | None = None) -> Rendered:
    """The Phụ lục with its long tables set directly, and laid out by WeasyPrint."""
    used: list[bool] = []
    cuts: list[list[tuple[int, int]]] = []
    with_long_tables, paginate = pdf._with_long_tables, long_table.paginate

    def spy_layout(*args, **kwargs):
        document = with_long_tables(*args, **kwargs)
        used.append(document is not None)
        return document

    def spy_cut(*args, **kwargs):
        parts = paginate(*args, **kwargs)
        cuts.append([(p.first, p.last) for p in parts or ()])
        return parts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "_with_long_tables", spy_layout)
        patch.setattr(long_table, "paginate", spy_cut)
        direct = phu_luc(model, root=root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(long_table, "LONG_ROWS", 10 ** 9)
        weasy = phu_luc(model, root=root)
    return Rendered(direct, weasy, used == [True], cuts)


def worst_gap(rendered: Rendered) -> float:
    """Assert the same pages and the same words on each; return how far (pt) a word of
    the direct setting lies at most from its place in WeasyPrint's layout."""
    pages_direct, pages_weasy = words(rendered.direct), words(rendered.weasy)
    assert len(pages_direct) == len(pages_weasy)
    worst = 0.0
    for page_direct, page_weasy in zip(pages_direct, pages_weasy, strict=True):
        assert [w["text"] for w in page_direct] == [w["text"] for w in page_weasy]
        for a, b in zip(page_direct, page_weasy, strict=True):
            worst = max(worst, abs(a["x0"] - b["x0"]), abs(a["x1"] - b["x1"]),
                        abs(a["top"] - b["top"]))
    return worst

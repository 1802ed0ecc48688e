"""A block's score sheet uploaded in the editor, read by the same reader as the CLI.

The file is kept in the data folder under its SHA-256 (``uploads/``), outside the archive
(the archive keeps only what someone saved), so that the clerk can pick the sheet and map
the columns without sending it again. What the page shows comes from
:mod:`docgen.ingest` and :func:`docgen.model.sources.read_units`, exactly what
``docgen import`` and a dossier's ``nguồn`` use: the recognised columns, the units, the
sheet's own notes (legacy encoding converted…) and its mistakes (a total, rank or band the
sheet states that disagrees with the computed figures, from :mod:`docgen.claims`) as
warnings. When the header row is not recognised, each header gets a drop-down of what the
column can hold; the chosen mapping is the ``cột:`` mapping of a ``nguồn`` and is kept
with the dossier (recorded in its audit trail when the dossier is saved).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.archive.blobs import sha256_hex
from docgen.claims.check import check_claims
from docgen.compute.results import RoundResult, compute_block
from docgen.errors import InputError
from docgen.ingest.cells import column_letter
from docgen.ingest.headers import HEADER_SEARCH_ROWS, find_layout
from docgen.ingest.read import Reader
from docgen.model.dossier import Block, Scheme
from docgen.model.sources import read_units, vocabulary

#: Largest score sheet accepted (the reader has its own, larger, limit for the CLI).
MAX_SHEET_BYTES = 10 * 1024 * 1024
SHEET_KINDS = ("xlsx", "csv")
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class SheetView:
    """What the page shows about one uploaded sheet."""

    file_name: str
    sha256: str
    sheet: str | None
    sheet_names: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  #: (column letter, label)
    recognised: list[tuple[str, str, str]] = field(default_factory=list)  #: letter, label, role
    mapping: dict[str, str] = field(default_factory=dict)
    units: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    needs_mapping: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.units) and not self.problems


def targets(scheme: Scheme) -> list[tuple[str, str]]:
    """(value, Vietnamese label) of what a column can hold, for the mapping drop-downs."""
    found = [("bỏ qua", "— bỏ qua cột này —"), ("tên đơn vị", "Tên đơn vị"),
             ("tổng điểm", "Tổng điểm"), ("điểm tự đánh giá", "Điểm tự đánh giá (TĐG)"),
             ("xếp hạng", "Xếp hạng (để đối chiếu)"), ("xếp loại", "Xếp loại (để đối chiếu)")]
    found += [(f"điểm thành phần.{c.key}", f"Thành phần: {c.name} (tối đa {c.max})")
              for c in scheme.components]
    found += [(f"điểm lĩnh vực.{f.key}", f"Lĩnh vực: {f.name}") for f in scheme.fields]
    found += [(f"tự đánh giá lĩnh vực.{f.key}", f"Tự đánh giá lĩnh vực: {f.name}")
              for f in scheme.fields]
    return found


def upload_dir(data_dir: Path) -> Path:
    return data_dir / "uploads"


def keep_upload(data_dir: Path, name: str, data: bytes) -> str:
    """Keep an uploaded sheet under its SHA-256 (same file, same name); return the hash."""
    digest = sha256_hex(data)
    folder = upload_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "csv" if name.lower().endswith(".csv") else "xlsx"
    target = folder / f"{digest}.{suffix}"
    if not target.exists():
        temporary = folder / f".{digest}.tmp"
        temporary.write_bytes(data)
        temporary.replace(target)
    return digest


def kept_path(data_dir: Path, digest: str) -> Path | None:
    """The kept sheet with this hash, or None (a hash is all a form may name)."""
    if not _SHA.match(digest):
        return None
    for suffix in SHEET_KINDS:
        path = upload_dir(data_dir) / f"{digest}.{suffix}"
        if path.is_file():
            return path
    return None


def _header_row(cells: Any) -> int | None:
    """The row most like a header: the first with the most text cells near the top."""
    best, best_count = None, 1
    for r, row in enumerate(cells.rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for c in row if c.kind == "text")
        if count > best_count:
            best, best_count = r, count
    return best


def read_sheet(path: Path, file_name: str, digest: str, scheme: Scheme, *,
               sheet: str | None = None, mapping: dict[str, str] | None = None) -> SheetView:
    """Read the units of `path` for a block of `scheme`, with `mapping` if given."""
    view = SheetView(file_name, digest, sheet or None, mapping=dict(mapping or {}))
    reader = Reader()
    try:
        view.sheet_names = reader.sheet_names(path, file_name)
        cells = reader.read(path, view.sheet, file_name)
    except InputError as exc:
        view.problems = [p.message for p in exc.problems]
        return view
    row = _header_row(cells)
    if row is not None:
        view.headers = [(column_letter(c), cell.text) for c, cell in enumerate(cells.rows[row])
                        if cell.kind == "text"]
    words = vocabulary(scheme)
    if not view.mapping:
        try:
            layout = find_layout(cells, words)
        except InputError as exc:
            view.needs_mapping = True
            # the reader's advice is for a dossier file; in the page, the drop-downs do it
            view.problems = ([f"{file_name}{', ' + cells.place if cells.place else ''}: không "
                              "nhận ra dòng tiêu đề của bảng; hãy chọn bên dưới mỗi cột chứa "
                              "gì rồi bấm “Đọc lại theo cách ghép này”."]
                             if view.headers else [p.message for p in exc.problems])
            return view
        view.recognised = [(column_letter(c), layout.labels.get(c, ""), str(role))
                           for c, role in sorted(layout.columns.items())]
    else:
        view.recognised = [(letter, label, view.mapping[label]) for letter, label in view.headers
                           if view.mapping.get(label, "bỏ qua") != "bỏ qua"]
    try:
        units, claims = read_units(path, scheme, sheet=view.sheet,
                                   columns={k: v for k, v in view.mapping.items() if v} or None,
                                   shown=file_name, where="bảng điểm", reader=reader)
    except InputError as exc:
        view.needs_mapping = view.needs_mapping or bool(view.mapping)
        view.problems = [p.message for p in exc.problems]
        return view
    view.units = units
    view.warnings = list(claims.notes)
    try:
        block = Block.model_validate({"name": "khối", "description": "-", "short_name": "-",
                                      "subject": "-", "units": units})
        result = RoundResult(blocks=(compute_block(block, scheme),), survey=None)
        claims.block = 0
        view.warnings += [d.message for d in check_claims(result, [claims])]
    except (ValueError, KeyError, IndexError):
        pass  # the dossier's validation names what is wrong with these units
    return view

"""Fill a block's units from the spreadsheet its ``nguồn`` names, before validation.

The loader calls :func:`expand_sources` on the raw dossier data: each block that has a
``nguồn`` (file, sheet, optional column mapping) gets its ``đơn vị`` from the sheet, read
by :mod:`docgen.ingest`. The scheme tells what the columns mean: its component and lĩnh
vực names are recognised as headers, "TĐ" goes to the component the lĩnh vực add up to,
"Điều tra XHH" to the survey component.

Every problem of a sheet is reported with its cell (file, sheet, "ô D7", the unit's name),
not with a place in the dossier: a score above its maximum, parts that do not add up, a
duplicate unit, a missing column. What the sheet says about totals, ranks and bands is
not input: it is returned as :class:`SheetClaims`, for :mod:`docgen.claims` to compare
with the computed figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.errors import InputError, Problem
from docgen.formatting.numbers import format_plain
from docgen.formatting.text import name_key
from docgen.ingest.cells import Sheet
from docgen.ingest.headers import Layout, Role, Vocabulary, explicit_layout, find_layout
from docgen.ingest.read import Reader
from docgen.ingest.rows import Claim, Row, SummaryCell, SummaryRow, extract_rows
from docgen.model.dossier import FieldSpec, Scheme, SchemeOverride, Source, effective_scheme


@dataclass(frozen=True)
class UnitClaims:
    """The claims of the sheet about one unit."""

    name: str
    row: int
    claims: dict[str, Claim]


@dataclass(frozen=True)
class SummaryValue:
    """One value of a summary row, placed: which unit figure it summarises."""

    target: str  #: "total", "scores", "fields", "self_total", "self_fields"
    key: str | None  #: the component or lĩnh vực code
    column: str  #: the column's label as the sheet writes it
    cell: SummaryCell


@dataclass(frozen=True)
class SummaryClaims:
    """What a summary row ("Trung bình", "TB", "Tổng cộng") of the sheet states."""

    label: str
    row: int
    kind: str  #: "average" or "sum"
    after_units: bool
    values: tuple[SummaryValue, ...]


@dataclass
class SheetClaims:
    """The sheet behind one block: where it is, notes on reading it, and its claims."""

    block: int  #: index of the block in the dossier
    source: str  #: the file as messages name it
    place: str  #: "trang tính 'Bảng 2'", or "" for a CSV file
    units: list[UnitClaims] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: lĩnh vực (code, title) the scheme lacks, kept by ``docgen import`` without a dossier
    new_fields: list[tuple[str, str]] = field(default_factory=list)
    #: the summary rows under the units (averages, sums), to compare with computed ones
    summaries: list[SummaryClaims] = field(default_factory=list)


def vocabulary(scheme: Scheme) -> Vocabulary:
    """Return the scheme's labels that may head a column."""
    return Vocabulary(tuple((c.key, c.name) for c in scheme.components),
                      tuple((f.key, f.name) for f in scheme.fields))


def read_units(path: Path | str, scheme: Scheme, *, sheet: str | None = None,
               columns: dict[str, str] | None = None, first_row: int | None = None,
               shown: str | None = None, where: str = "nguồn", known_fields: bool = True,
               reader: Reader | None = None) -> tuple[list[dict[str, Any]], SheetClaims]:
    """Return the units of a sheet as raw dossier data (Decimal values) and its claims.

    With `known_fields` (a dossier's scheme), a lĩnh vực the scheme lacks is an error;
    without (``docgen import`` with no dossier), it is kept under a code made from its
    title, listed in the claims' `new_fields` for the clerk to add to the scheme. Sheets read
    through one `reader` share the reading of their file.
    """
    cells = (reader or Reader()).read(path, sheet, shown)
    words = vocabulary(scheme)
    if columns or first_row:
        layout = explicit_layout(cells, columns or {}, first_row, words, where)
    else:
        layout = find_layout(cells, words)
    summary_rows: list[SummaryRow] = []
    rows, problems = extract_rows(cells, layout, summary_rows)
    new_fields = _unknown_fields(layout, scheme, cells, allowed=not known_fields)
    if new_fields:
        added = [FieldSpec(key=k, name=n, max=scheme.max_total) for k, n in new_fields]
        scheme = scheme.model_copy(update={"fields": [*scheme.fields, *added]})
    units, claims = _units(rows, layout, scheme, cells, problems)
    summaries = _summaries(summary_rows, layout, scheme, cells)
    return units, SheetClaims(-1, cells.source, cells.place, claims, list(cells.notes),
                              new_fields, summaries)


def _summaries(rows: list[SummaryRow], layout: Layout, scheme: Scheme,
               sheet: Sheet) -> list[SummaryClaims]:
    """Place the values of the summary rows: each column's role -> the unit figure."""
    targets = _targets(layout, scheme, sheet)
    labels = {role: layout.labels.get(column) or str(role)
              for column, role in layout.columns.items()}
    found = []
    for row in rows:
        values = []
        for role, cell in row.cells.items():
            target = ("total", None) if role.kind == "total" else targets.get(role)
            if target is not None:
                values.append(SummaryValue(target[0], target[1], labels.get(role, ""), cell))
        found.append(SummaryClaims(row.label, row.number, row.kind, row.after_units,
                                   tuple(values)))
    return found


def _unknown_fields(layout: Layout, scheme: Scheme, sheet: Sheet,
                    allowed: bool) -> list[tuple[str, str]]:
    """Return (code, title) of the lĩnh vực columns the scheme lacks; refuse them if not allowed."""
    known = {f.key for f in scheme.fields}
    found: dict[str, str] = {}
    problems = []
    for column, role in sorted(layout.columns.items()):
        if role.kind in ("field", "self_field") and role.key not in known:
            title = layout.labels.get(column, "").rsplit(" / ", 1)[0]
            if allowed:
                found.setdefault(str(role.key), title)
            elif role.key not in found:
                found[str(role.key)] = title
                codes = ", ".join(f"'{f.name}' ({f.key})" for f in scheme.fields) or "không có"
                top = layout.header_rows[0] if layout.header_rows else layout.first_row
                problems.append(Problem(
                    sheet.source, sheet.where(sheet.rows[top][column].ref),
                    f"tên một lĩnh vực của thang điểm (các lĩnh vực: {codes})",
                    f"'{title}'; hãy sửa tên trong thang điểm hoặc ghi rõ cột trong hồ sơ"))
    if problems:
        raise InputError(problems)
    return list(found.items()) if allowed else []


def _targets(layout: Layout, scheme: Scheme, sheet: Sheet) -> dict[Role, tuple[str, str | None]]:
    """Return role -> (unit field, key) for the score columns; refuse what has no place."""
    keys = [c.key for c in scheme.components]
    others = [k for k in keys if k != scheme.survey_component]
    appraised = scheme.fields_component or (others[0] if len(others) == 1 else None)
    targets: dict[Role, tuple[str, str | None]] = {}
    problems = []
    for column, role in layout.columns.items():
        label = layout.labels.get(column) or str(role)
        ref = _header_ref(sheet, layout, column)
        if role.kind == "component":
            targets[role] = ("scores", role.key)
        elif role.kind in ("field", "self_field"):
            targets[role] = ("fields" if role.kind == "field" else "self_fields", role.key)
        elif role.kind == "self_total":
            targets[role] = ("self_total", None)
        elif role.kind == "appraised":
            if appraised is not None:
                targets[role] = ("scores", appraised)
            elif not keys:
                targets[role] = ("total", None)
            else:
                problems.append(Problem(sheet.source, sheet.where(ref), "thang điểm có 'lĩnh vực "
                                        "thuộc thành phần' để biết cột điểm thẩm định là thành "
                                        "phần nào", f"cột '{label}'"))
        elif role.kind == "survey":
            if scheme.survey_component is None:
                problems.append(Problem(
                    sheet.source, sheet.where(ref),
                    "thang điểm có 'thành phần điều tra' cho cột điều tra XHH",
                    f"cột '{label}' nhưng thang điểm không có thành phần điều tra"))
            else:
                targets[role] = ("scores", scheme.survey_component)
    seen: dict[tuple[str, str | None], int] = {}
    for column, role in sorted(layout.columns.items()):
        if role not in targets:
            continue
        if targets[role] in seen:
            first = seen[targets[role]]
            problems.append(Problem(
                sheet.source, sheet.where(_header_ref(sheet, layout, column)),
                "mỗi điểm ở một cột duy nhất",
                f"cột '{layout.labels.get(column)}' và cột '{layout.labels.get(first)}' cùng là "
                f"'{_target_name(targets[role])}'"))
        else:
            seen[targets[role]] = column
    if problems:
        raise InputError(problems)
    return targets


def _target_name(target: tuple[str, str | None]) -> str:
    names = {"scores": "điểm thành phần", "fields": "điểm lĩnh vực", "total": "tổng điểm",
             "self_fields": "tự đánh giá lĩnh vực", "self_total": "điểm tự đánh giá"}
    return names[target[0]] + (f".{target[1]}" if target[1] else "")


def _header_ref(sheet: Sheet, layout: Layout, column: int) -> str:
    row = layout.header_rows[-1] if layout.header_rows else layout.first_row
    return sheet.rows[row][column].ref if row < len(sheet.rows) else "A1"


def _units(rows: list[Row], layout: Layout, scheme: Scheme, sheet: Sheet,
           problems: list[Problem]) -> tuple[list[dict[str, Any]], list[UnitClaims]]:
    targets = _targets(layout, scheme, sheet)
    _check_complete(targets, layout, scheme, sheet)
    maxima = _maxima(scheme)
    units: list[dict[str, Any]] = []
    claims: list[UnitClaims] = []
    seen: dict[str, Row] = {}
    for row in rows:
        key = name_key(row.name)
        if key in seen:
            problems.append(Problem(sheet.source, sheet.where(row.name_ref, row.name),
                                    "tên đơn vị không trùng trong bảng",
                                    f"trùng với dòng {seen[key].number}"))
            continue
        seen[key] = row
        unit: dict[str, Any] = {"name": row.name}
        refs: dict[tuple[str, str | None], str] = {}
        for role, (ref, value) in row.scores.items():
            target, part = targets[role]
            refs[(target, part)] = ref
            if part is None:
                unit[target] = value
            else:
                unit.setdefault(target, {})[part] = value
        row_claims = dict(row.claims)
        if "total" in row_claims and not unit.get("scores") and not unit.get("fields") \
                and "total" not in unit:
            claim = row_claims.pop("total")
            unit["total"] = claim.value
            refs[("total", None)] = claim.ref
        problems += _check_unit(unit, refs, row, scheme, maxima, sheet)
        units.append(unit)
        claims.append(UnitClaims(row.name, row.number, row_claims))
    if problems:
        raise InputError(problems)
    return units, claims


def _check_complete(targets: dict[Role, tuple[str, str | None]], layout: Layout, scheme: Scheme,
                    sheet: Sheet) -> None:
    """A sheet that gives some components (or lĩnh vực) must give all of them."""
    problems = []
    where = sheet.place or "tệp"
    row = (layout.header_rows[0] + 1) if layout.header_rows else layout.first_row + 1
    for target, expected in (("scores", [(c.key, c.name) for c in scheme.components]),
                             ("fields", [(f.key, f.name) for f in scheme.fields]),
                             ("self_fields", [(f.key, f.name) for f in scheme.fields])):
        given = {part for t, part in targets.values() if t == target}
        missing = [f"'{name}' ({key})" for key, name in expected if key not in given]
        if given and missing:
            label = {"scores": "điểm thành phần", "fields": "điểm lĩnh vực (TĐ)",
                     "self_fields": "điểm tự đánh giá lĩnh vực (TĐG)"}[target]
            problems.append(Problem(sheet.source, f"{where}, dòng tiêu đề {row}",
                                    f"đủ các cột {label} của thang điểm",
                                    f"thiếu cột {', '.join(missing)}"))
    if not targets and not any(r.kind == "total" for r in layout.columns.values()):
        problems.append(Problem(sheet.source, f"{where}, dòng tiêu đề {row}",
                                "ít nhất một cột điểm (tổng điểm, điểm thành phần hoặc lĩnh vực)",
                                "không có"))
    if problems:
        raise InputError(problems)


def _maxima(scheme: Scheme) -> dict[tuple[str, str | None], Decimal]:
    """Return (unit field, key) -> the scheme's maximum for that score."""
    maxima: dict[tuple[str, str | None], Decimal] = {("total", None): scheme.max_total,
                                                      ("self_total", None): scheme.max_total}
    maxima.update({("scores", c.key): c.max for c in scheme.components})
    maxima.update({(t, f.key): f.max for f in scheme.fields for t in ("fields", "self_fields")})
    return maxima


def _check_unit(unit: dict[str, Any], refs: dict[tuple[str, str | None], str], row: Row,
                scheme: Scheme, maxima: dict[tuple[str, str | None], Decimal],
                sheet: Sheet) -> list[Problem]:
    """Check one unit's scores against the scheme, naming the cell of each problem."""
    problems = []
    for (target, part), ref in refs.items():
        value = unit[target] if part is None else unit[target][part]
        if not Decimal(0) <= value <= maxima[(target, part)]:
            problems.append(Problem(sheet.source, sheet.where(ref, row.name),
                                    f"từ 0 đến {format_plain(maxima[(target, part)])}",
                                    format_plain(value)))
    if problems:
        return problems
    fields = unit.get("fields")
    if fields:
        target_key = scheme.fields_component
        if target_key and "scores" in unit:
            expected, ref = unit["scores"][target_key], refs[("scores", target_key)]
            label = "điểm thẩm định (TĐ)"
        elif "total" in unit:
            expected, ref, label = unit["total"], refs[("total", None)], "tổng điểm"
        else:
            expected = None
        field_sum = sum(fields.values(), Decimal(0))
        if expected is not None and field_sum != expected:
            problems.append(Problem(sheet.source, sheet.where(ref, row.name),
                                    f"{label} bằng tổng điểm các lĩnh vực "
                                    f"({format_plain(field_sum)})", format_plain(expected)))
    self_fields = unit.get("self_fields")
    if self_fields and "self_total" in unit and \
            sum(self_fields.values(), Decimal(0)) != unit["self_total"]:
        problems.append(Problem(sheet.source, sheet.where(refs[("self_total", None)], row.name),
                                "điểm tự đánh giá bằng tổng điểm tự đánh giá các lĩnh vực "
                                f"({format_plain(sum(self_fields.values(), Decimal(0)))})",
                                format_plain(unit["self_total"])))
    return problems


def inside_folder(base: Path, file: str) -> bool:
    """Whether `file` lies in the dossier's folder: a dossier sent to a server must not make
    it read (and quote the first row of) a file anywhere else on the machine."""
    folder = base.resolve()
    return (folder / file).resolve().is_relative_to(folder)


def _refuse_sources(blocks: list[Any], source: str) -> list[Problem]:
    """Return one problem per block that names a ``nguồn``, for a dossier with no folder."""
    problems = []
    for index, block in enumerate(blocks):
        spec = _source_of(block)
        if spec is None:
            continue
        name = block.get("name", block.get("tên khối", ""))
        file = spec.get("file", spec.get("tệp")) if isinstance(spec, dict) else None
        problems.append(Problem(
            source, f"khối thứ {index + 1} ({name}) › nguồn",
            "danh sách 'đơn vị' ghi trực tiếp (hồ sơ gửi qua dịch vụ không được đọc tệp trên "
            "máy chủ; dùng `docgen import` để chuyển bảng tính thành danh sách đơn vị)",
            f"tệp {str(file)!r}" if file is not None else "một 'nguồn'"))
    return problems


def _source_of(block: Any) -> Any:
    """The block's ``nguồn``, or None: a null one (as a dumped dossier has) means none."""
    if not isinstance(block, dict):
        return None
    found = block.get("source")
    return block.get("nguồn") if found is None else found


def _block_scheme(scheme: Scheme, block: dict[str, Any]) -> Scheme:
    """Return the scheme a block's sheet is read with: the block's own ``thang điểm`` over
    the dossier's (an invalid one raises ValidationError; validation then names it)."""
    override = block.get("scheme", block.get("thang điểm"))
    if override is None:
        return scheme
    return effective_scheme(scheme, SchemeOverride.model_validate(override))


def expand_sources(data: dict[str, Any], source: str, base: Path | None
                   ) -> tuple[dict[str, Any], list[SheetClaims]]:
    """Return `data` with each sheet-backed block's units filled in, and the sheets' claims.

    `data` has its keys normalised already. Files are read relative to the folder `base`
    (the dossier file's); with no `base` (a dossier sent to the service) no file may be
    read and every ``nguồn`` is refused, before anything is opened: otherwise a client
    could make the server read, and quote, whatever sheet lies below its working folder.
    When the scheme or a ``nguồn`` is itself invalid, the block is left as it is: the
    dossier's validation then names that problem.
    """
    blocks = data.get("blocks", data.get("khối"))
    if not isinstance(blocks, list) or not any(_source_of(b) is not None for b in blocks):
        return data, []
    if base is None:
        raise InputError(_refuse_sources(blocks, source))
    try:
        scheme = Scheme.model_validate(data.get("scheme", data.get("thang điểm")))
    except ValidationError:
        return data, []
    problems: list[Problem] = []
    sheets: list[SheetClaims] = []
    reader = Reader()  # blocks that take sheets of one workbook read it once
    for index, block in enumerate(blocks):
        spec_data = _source_of(block)
        if spec_data is None:
            continue
        name = block.get("name", block.get("tên khối", ""))
        where = f"khối thứ {index + 1} ({name}) › nguồn"
        if block.get("units", block.get("đơn vị")):
            problems.append(Problem(source, where, "hoặc 'đơn vị' hoặc 'nguồn', không cả hai",
                                    "có cả hai"))
            continue
        try:
            spec = Source.model_validate(spec_data)
            block_scheme = _block_scheme(scheme, block)
        except ValidationError:
            continue
        if not inside_folder(base, spec.file):
            problems.append(Problem(source, f"{where} › tệp", "một tệp trong thư mục của hồ sơ "
                                    "(hoặc thư mục con)", repr(spec.file)))
            continue
        try:
            units, claims = read_units(base / spec.file, block_scheme, sheet=spec.sheet,
                                       columns=spec.columns, first_row=spec.first_row,
                                       shown=str(base / spec.file), where=f"{source}: {where}",
                                       reader=reader)
        except InputError as error:
            problems += error.problems
            continue
        claims.block = index
        sheets.append(claims)
        block["units" if block.get("source") is not None else "đơn vị"] = units
    if problems:
        raise InputError(problems)
    return data, sheets

"""Find the header row(s) of a score table and what each column holds.

Labels are compared in a "folded" form: without diacritics, case, punctuation or doubled
blanks ("Điểm tự đánh giá" and "DIEM TU DANH GIA" are the same label). A header is the
first row, among the first 30, that has a unit-name column and at least one score column.
When the row below it holds sub-labels (no numbers, and labels such as TĐG / TĐ under a
merged lĩnh vực title), the two rows are read together: the title says which lĩnh vực,
the sub-label says self-assessed (TĐG) or appraised (TĐ).

A :class:`Role` says what a column holds; the loader (:mod:`docgen.model.sources`) turns
roles into the dossier's unit fields. Where recognition fails, :func:`mapping_hint` shows
the labels found as a ready-to-paste ``cột:`` mapping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from docgen.errors import InputError, Problem
from docgen.ingest.cells import Cell, Sheet, column_index

#: How many rows from the top are searched for the header.
HEADER_SEARCH_ROWS = 30


def fold(text: str) -> str:
    """Return `text` without diacritics, case or punctuation, for comparing labels.

    >>> fold("Điểm tự đánh giá"), fold(" TĐG "), fold("Tên  cơ quan, đơn vị")
    ('diem tu danh gia', 'tdg', 'ten co quan don vi')
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", text).split())


#: Folded labels of each generic role, with the usual variants staff write.
LABELS: dict[str, set[str]] = {
    "stt": {"stt", "tt", "so tt", "so thu tu", "thu tu"},
    "name": {"ten don vi", "don vi", "ten co quan", "co quan", "ten co quan don vi",
             "co quan don vi", "ten", "don vi duoc danh gia", "ten xa phuong", "ten xa"},
    "self_total": {"diem tu danh gia", "tu danh gia", "tdg", "don vi tu danh gia", "tong diem tdg",
                   "diem tdg", "tu cham", "diem tu cham", "tong diem tu danh gia"},
    "appraised": {"diem tham dinh", "tham dinh", "td", "tong diem td", "diem td",
                  "diem sau tham dinh", "ket qua tham dinh", "tong diem tham dinh"},
    "survey": {"dieu tra xhh", "xhh", "diem dieu tra xhh", "diem xhh", "dieu tra xa hoi hoc",
               "diem dieu tra xa hoi hoc", "diem danh gia qua dieu tra xa hoi hoc"},
    "total": {"tong diem", "tong", "chi so", "chi so cchc", "diem chi so cchc",
              "tong diem dat duoc", "tong diem chi so", "chi so cchc %", "chi so %",
              "ket qua chi so cchc", "diem"},
    "rank": {"xep hang", "thu hang", "hang"},
    "band": {"xep loai", "muc xep loai", "nhom", "phan loai", "muc", "xep nhom", "nhom xep loai"},
}
_SCORE_ROLES = {"self_total", "appraised", "survey", "total", "component", "field", "self_field"}


@dataclass(frozen=True)
class Role:
    """What a column holds: a kind ("name", "field", …) and, for parts, the part's key."""

    kind: str
    key: str | None = None

    def __str__(self) -> str:
        return TARGET_NAMES.get(self.kind, self.kind) + (f".{self.key}" if self.key else "")


#: The mapping targets staff write in ``cột:``, Vietnamese and English, -> role kind.
TARGETS = {
    "tên đơn vị": "name", "name": "name", "tổng điểm": "total", "total": "total",
    "điểm tự đánh giá": "self_total", "self_total": "self_total", "xếp hạng": "rank",
    "rank": "rank", "xếp loại": "band", "band": "band", "bỏ qua": "skip", "skip": "skip",
    "stt": "stt", "điểm thành phần": "component", "scores": "component",
    "điểm lĩnh vực": "field", "fields": "field", "tự đánh giá lĩnh vực": "self_field",
    "self_fields": "self_field", "điểm thẩm định": "appraised", "điều tra xhh": "survey",
}
TARGET_NAMES = {"name": "tên đơn vị", "total": "tổng điểm", "self_total": "điểm tự đánh giá",
                "rank": "xếp hạng", "band": "xếp loại", "skip": "bỏ qua", "stt": "stt",
                "component": "điểm thành phần", "field": "điểm lĩnh vực",
                "self_field": "tự đánh giá lĩnh vực", "appraised": "điểm thẩm định",
                "survey": "điều tra xhh"}


@dataclass(frozen=True)
class Vocabulary:
    """The scheme's own labels: component and lĩnh vực keys with their names."""

    components: tuple[tuple[str, str], ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class Layout:
    """Where the table is: its header rows (0-based), first data row, and column roles."""

    header_rows: tuple[int, ...]
    first_row: int
    columns: dict[int, Role] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)  #: the header text of each column


def _strip_number(label: str) -> str:
    """Drop a leading "1.", "I.", "a)" from a folded label."""
    return re.sub(r"^(?:\d+|[ivxl]+|[a-z])\s+(?=\S)", "", label) if re.match(
        r"^(?:\d+|[ivxl]+|[a-z])\s", label) else label


def classify(label: str, vocabulary: Vocabulary) -> Role | None:
    """Return the role one header label stands for, if any.

    >>> v = Vocabulary(fields=(("cd", "Công tác chỉ đạo, điều hành CCHC"),))
    >>> classify("Xếp hạng", v), classify("TĐG", v)
    (Role(kind='rank', key=None), Role(kind='self_total', key=None))
    >>> classify("1. Công tác chỉ đạo, điều hành CCHC", v)
    Role(kind='field', key='cd')
    >>> classify("Công tác chỉ đạo, điều hành CCHC (9 điểm)", v)
    Role(kind='field', key='cd')
    """
    folded = fold(label)
    if not folded:
        return None
    bare = re.sub(r"\s+\d+(?: \d+)? diem$", "", _strip_number(folded))
    for candidate in dict.fromkeys((folded, _strip_number(folded), bare)):
        for key, name in vocabulary.components:
            if candidate in (fold(name), fold(key)):
                return Role("component", key)
        for key, name in vocabulary.fields:
            if candidate in (fold(name), fold(key)):
                return Role("field", key)
        for kind, labels in LABELS.items():
            if candidate in labels:
                return Role(kind)
    return None


def field_key(label: str) -> str:
    """Return a lĩnh vực code made from a title the scheme does not know.

    >>> field_key("1. Công tác chỉ đạo, điều hành CCHC (9 điểm)")
    'cong_tac_chi_dao_dieu_hanh_cchc'
    """
    bare = re.sub(r"\s+\d+(?: \d+)? diem$", "", _strip_number(fold(label)))
    words, key = bare.split(), ""
    for word in words:  # at most 40 characters, cut between words
        if key and len(key) + 1 + len(word) > 40:
            break
        key = f"{key}_{word}" if key else word
    return key[:40] or "linh_vuc"


def _combine(top: Role | None, sub: Role | None, top_label: str = "") -> Role | None:
    """Return the role of a column labelled `top` over `sub` in a two-row header.

    A title the scheme does not know over TĐG/TĐ is still a lĩnh vực: its code is made
    from the title (:func:`field_key`), and the loader decides whether it may be used.
    """
    if sub is None:
        return top
    if top is None and fold(top_label) and sub.kind in ("self_total", "appraised"):
        kind = "self_field" if sub.kind == "self_total" else "field"
        return Role(kind, field_key(top_label))
    if top is not None and top.kind == "field":
        if sub.kind == "self_total":
            return Role("self_field", top.key)
        if sub.kind in ("appraised", "total"):
            return Role("field", top.key)
        return top
    if top is not None and top.kind in ("self_total", "appraised", "total") and \
            sub.kind in ("self_total", "appraised", "survey", "total"):
        return sub
    return sub if sub.kind != "stt" or top is None else top


def _row_roles(row: list[Cell], vocabulary: Vocabulary) -> dict[int, Role]:
    roles = {}
    for i, cell in enumerate(row):
        if cell.kind == "text":
            role = classify(cell.text, vocabulary)
            if role:
                roles[i] = role
    return roles


def _is_header(roles: dict[int, Role]) -> bool:
    kinds = {r.kind for r in roles.values()}
    return "name" in kinds and bool(kinds & (_SCORE_ROLES | {"rank", "band"}))


def find_layout(sheet: Sheet, vocabulary: Vocabulary) -> Layout:
    """Return the layout of the table in `sheet`; raise InputError naming what was found."""
    rows = sheet.rows
    if not any(not c.is_empty for row in rows for c in row):
        raise InputError([Problem(sheet.source, sheet.place or "tệp", "một bảng điểm có dữ liệu",
                                  "trang tính trống" if sheet.name is not None else "tệp trống")])
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        top = _row_roles(row, vocabulary)
        if "name" not in {x.kind for x in top.values()}:
            continue
        below = rows[r + 1] if r + 1 < len(rows) else []
        two_rows = _is_sub_header(row, below, vocabulary)
        if two_rows:
            sub = _row_roles(below, vocabulary)
            roles = {}
            for c in range(len(row)):
                same = below[c].text == row[c].text
                role = _combine(top.get(c), None if same else sub.get(c), row[c].text)
                if role:
                    roles[c] = role
        else:
            roles = top
        if _is_header(roles):
            labels = {c: _label(row[c], below[c] if two_rows else None) for c in range(len(row))}
            header = (r, r + 1) if two_rows else (r,)
            return Layout(header, header[-1] + 1, roles, labels)
    raise InputError([Problem(sheet.source, sheet.place or "tệp",
                              "một dòng tiêu đề có cột tên đơn vị và cột điểm (ví dụ: STT | Tên "
                              "đơn vị | Tổng điểm | Xếp hạng | Xếp loại)",
                              f"không nhận ra dòng tiêu đề; {mapping_hint(sheet)}")])


def _label(top: Cell, sub: Cell | None) -> str:
    if sub is None or sub.is_empty or sub.text == top.text:
        return top.text
    return f"{top.text} / {sub.text}" if top.text else sub.text


def _is_sub_header(row: list[Cell], below: list[Cell], vocabulary: Vocabulary) -> bool:
    """Whether `below` holds sub-labels of `row` rather than the first unit."""
    if not below or any(c.kind == "number" or (c.kind == "text" and _looks_numeric(c.text))
                         for c in below):
        return False
    subs = [c for c, cell in zip(row, below, strict=False)
            if not cell.is_empty and cell.text != c.text]
    recognised = [cell for cell in below if cell.kind == "text" and classify(cell.text, vocabulary)]
    return bool(subs) and bool(recognised)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+([.,]\d+)?", text.replace("\u00a0", "").strip()))


def mapping_hint(sheet: Sheet) -> str:
    """Return the labels found near the top and a ``cột:`` mapping to paste in the dossier."""
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        texts = [c.text for c in row if c.kind == "text"]
        if len(texts) >= 2:
            found = " | ".join(texts)
            targets = ("tên đơn vị", "tổng điểm", "xếp hạng")
            pairs = zip(texts[:3], targets, strict=False)
            example = ", ".join(f'"{t}": {g}' for t, g in pairs)
            return (f"các tiêu đề tìm thấy: {found}; hãy ghi rõ cột trong hồ sơ, ví dụ: "
                    f"nguồn: {{tệp: …, cột: {{{example}}}}}")
    return ("không có dòng nào giống tiêu đề; hãy ghi rõ cột theo chữ cái trong hồ sơ, ví dụ: "
            "nguồn: {tệp: …, dòng đầu: 5, cột: {B: tên đơn vị, C: tổng điểm}}")


def parse_target(target: str, vocabulary: Vocabulary) -> Role | None:
    """Return the role a ``cột:`` target names ("tổng điểm", "điểm lĩnh vực.cd"), or None.

    >>> parse_target("điểm lĩnh vực.cd", Vocabulary()), parse_target("Xếp hạng", Vocabulary())
    (Role(kind='field', key='cd'), Role(kind='rank', key=None))
    """
    base, _, key = target.strip().partition(".")
    kind = TARGETS.get(" ".join(base.lower().split()))
    if kind is None:
        return None
    if kind in ("component", "field", "self_field"):
        parts = vocabulary.components if kind == "component" else vocabulary.fields
        known = [k for k, _ in parts]
        return Role(kind, key) if key and (key in known or not known) else None
    return Role(kind) if not key else None


def explicit_layout(sheet: Sheet, columns: dict[str, str], first_row: int | None,
                    vocabulary: Vocabulary, where: str) -> Layout:
    """Return the layout a dossier's ``cột:`` mapping gives (labels or column letters)."""
    problems: list[Problem] = []
    roles: dict[int, Role] = {}
    by_label: dict[str, Role] = {}
    for source_column, target in columns.items():
        role = parse_target(str(target), vocabulary)
        if role is None:
            problems.append(Problem(sheet.source, f"{where} › cột › '{source_column}'",
                                    "tên đơn vị, tổng điểm, điểm tự đánh giá, xếp hạng, xếp loại, "
                                    "bỏ qua, điểm thành phần.<mã>, điểm lĩnh vực.<mã> hoặc tự đánh "
                                    "giá lĩnh vực.<mã>", repr(target)))
        elif re.fullmatch(r"[A-Za-z]{1,3}", str(source_column)):
            roles[column_index(str(source_column))] = role
        else:
            by_label[fold(str(source_column))] = role
    if problems:
        raise InputError(problems)
    header_row = None
    if by_label:
        for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            hits = {c: by_label[fold(cell.text)] for c, cell in enumerate(row)
                    if cell.kind == "text" and fold(cell.text) in by_label}
            if hits:
                roles.update(hits)
                header_row = r
                break
        if header_row is None:
            raise InputError([Problem(sheet.source, f"{where} › cột",
                                      "các tiêu đề ghi trong 'cột' có trong bảng",
                                      f"không thấy tiêu đề nào; {mapping_hint(sheet)}")])
    if first_row is None and header_row is None:
        raise InputError([Problem(sheet.source, f"{where} › dòng đầu",
                                  "số dòng của đơn vị đầu tiên khi ghi cột theo chữ cái",
                                  "không có")])
    start = first_row - 1 if first_row else header_row + 1  # type: ignore[operator]
    if "name" not in {r.kind for r in roles.values()}:
        raise InputError([Problem(sheet.source, f"{where} › cột", "một cột 'tên đơn vị'",
                                  "không có")])
    header = (header_row,) if header_row is not None else ()
    labels = {c: sheet.rows[header_row][c].text if header_row is not None else "" for c in roles}
    return Layout(header, start, {c: r for c, r in roles.items() if r.kind != "skip"}, labels)

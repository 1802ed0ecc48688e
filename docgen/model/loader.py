"""Read a dossier file (YAML or JSON) into a validated :class:`Dossier`.

Numbers are read as `Decimal` straight from the file's text (YAML floats and JSON floats
never exist as binary floats here), dates stay text until the model parses them, and keys
written in Vietnamese are matched to the model's fields whatever their case, spacing or
underscores. Every problem of a file is reported at once, each naming the file, the place
(with the unit's name where there is one), what was expected and what was found.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from docgen import bounds
from docgen.errors import InputError, Problem
from docgen.formatting.numbers import format_plain
from docgen.formatting.text import name_key
from docgen.model.dossier import Dossier
from docgen.model.errors import describe_pydantic_error
from docgen.model.limits import check_size, check_values, too_deep
from docgen.model.rules import check_rules
from docgen.model.sources import SheetClaims, expand_sources, inside_folder

#: Larger dossiers are refused before parsing: a real one is well under 5 MB.
MAX_BYTES = bounds.MAX_DOSSIER_BYTES


class _DecimalLoader(yaml.SafeLoader):
    """A safe YAML loader that keeps floats exact and dates as text, refuses nesting
    deeper than :data:`docgen.bounds.MAX_DEPTH` while composing (before any recursion
    gets deep) and numbers longer than :data:`docgen.bounds.MAX_NUMBER_CHARS`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > bounds.MAX_DEPTH:
                raise _YAMLBound(f"các bảng và danh sách lồng nhau tối đa {bounds.MAX_DEPTH} cấp",
                                 f"lồng nhau hơn {bounds.MAX_DEPTH} cấp",
                                 self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _YAMLBound(yaml.MarkedYAMLError):
    """A YAML text past one of the bounds, found while reading it, at its place."""

    def __init__(self, expected: str, found: str, mark: Any):
        super().__init__(problem=found, problem_mark=mark)
        self.expected, self.found = expected, found


def _number_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    if len(text) > bounds.MAX_NUMBER_CHARS:
        raise _YAMLBound(f"một số tối đa {bounds.MAX_NUMBER_CHARS} ký tự",
                         f"một số {format_plain(len(text))} ký tự", node.start_mark)
    return text


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = _number_text(loader, node).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal("NaN") if "nan" in lowered else Decimal(lowered.replace(".", ""))
    return Decimal(text)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """Read integers in base 10 only: "010" is ten, not YAML 1.1's octal eight."""
    text = _number_text(loader, node).replace("_", "")
    if text.lstrip("+-").isdigit():
        return int(text, 10)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """Build a mapping, refusing a key written twice (the second would silently win), in
    any spelling the loader reads as the same key ("NĂM" and "năm", "cơ_quan", "Cơ quan")."""
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        form = _key_form(key) if isinstance(key, str) else key
        if form in seen:
            first = seen[form]
            also = "" if first == key else f" (cùng khóa '{_clip(first)}' viết cách khác)"
            raise yaml.constructor.ConstructorError(
                None, None, f"khóa '{_clip(key)}' xuất hiện hai lần{also}", key_node.start_mark)
        seen[form] = key
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _clip(key: Any, limit: int = 60) -> str:
    text = str(key) if isinstance(key, (str, int, Decimal)) else type(key).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_DecimalLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _declared_keys(model: type[BaseModel]) -> list[tuple[str, str]]:
    """Return (English name, Vietnamese key) of every field of `model` and nested models."""
    keys: list[tuple[str, str]] = []
    seen: set[type[BaseModel]] = set()

    def walk(current: type[BaseModel]) -> None:
        for name, field in current.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and isinstance(extra.get("x-vi"), str):
                keys.append((name, extra["x-vi"]))
            for sub in _nested_models(field.annotation):
                if sub not in seen:
                    seen.add(sub)
                    walk(sub)

    walk(model)
    return keys


def _alias_table(model: type[BaseModel]) -> dict[str, str]:
    """Return normalised Vietnamese key -> the key as declared, over all nested models."""
    return {_key_form(vietnamese): vietnamese for _, vietnamese in _declared_keys(model)}


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_nested_models(arg))
    return found


def _key_form(key: str) -> str:
    """Return `key` compared as unit names are, with underscores read as blanks."""
    return name_key(key.replace("_", " "))


_ALIASES = _alias_table(Dossier)


#: Mappings whose keys are data (component and field codes), never field names.
_DATA_MAPPINGS = {"scores", "fields", "self_fields", "columns", "mapping",
                  "điểm thành phần", "điểm lĩnh vực", "tự đánh giá lĩnh vực", "cột", "ánh xạ"}


def _field_pairs(model: type[BaseModel]) -> dict[str, set[str]]:
    """Return each key -> the other spellings of the same field (its English name and its
    Vietnamese key), over all models."""
    pairs: dict[str, set[str]] = {}
    for name, vietnamese in _declared_keys(model):
        if vietnamese != name:
            pairs.setdefault(name, set()).add(vietnamese)
            pairs.setdefault(vietnamese, set()).add(name)
    return pairs


_PAIRS = _field_pairs(Dossier)


class _DuplicateKey(Exception):
    """Two keys of one mapping that the loader reads as the same field."""

    def __init__(self, first: str, second: str):
        super().__init__(first, second)
        self.first, self.second = first, second


def _normalize_keys(data: Any, is_data: bool = False,
                    memo: dict[tuple[int, bool], Any] | None = None) -> Any:
    """Rename keys that are a Vietnamese field name written another way to the declared one.

    Keys that are data (component codes inside ``scores``) are left as written. A value
    met twice (a YAML alias) is normalised once and shared, not copied again. Two keys
    that name the same field (``NĂM`` and ``năm``, ``year`` and ``năm``) raise
    :class:`_DuplicateKey`.
    """
    if not isinstance(data, (dict, list)):
        return data
    memo = {} if memo is None else memo
    known = memo.get((id(data), is_data))
    if known is not None:
        return known
    if isinstance(data, dict):
        if is_data:
            return data
        out: dict[Any, Any] = {}
        memo[(id(data), is_data)] = out
        written: dict[Any, Any] = {}  # normalised key -> as the file writes it
        for given, value in data.items():
            key = given
            if isinstance(key, str) and not key.isascii():
                key = _ALIASES.get(_key_form(key), key)
            twin = key if key in out else next(
                (k for k in _PAIRS.get(key, ()) if k in out), None) if isinstance(key, str) \
                else None
            if twin is not None:
                raise _DuplicateKey(str(written[twin]), str(given))
            written[key] = given
            out[key] = _normalize_keys(value, key in _DATA_MAPPINGS, memo)
        return out
    items: list[Any] = []
    memo[(id(data), is_data)] = items
    items.extend(_normalize_keys(item, False, memo) for item in data)
    return items



def decode_text(raw: bytes, source: str) -> str:
    """Return `raw` as UTF-8 text; a byte that is not UTF-8 is named with its offset."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(source, f"byte {exc.start}", "văn bản mã hóa UTF-8",
                                  f"byte {raw[exc.start]:#04x}")]) from exc


def _json_number(kind: type) -> Any:
    """Return a JSON number parser that refuses numbers longer than the bound."""
    def parse(text: str) -> Any:
        if len(text) > bounds.MAX_NUMBER_CHARS:
            raise _JSONBound(f"một số tối đa {bounds.MAX_NUMBER_CHARS} ký tự",
                             f"một số {format_plain(len(text))} ký tự")
        return kind(text)
    return parse


class _JSONBound(Exception):
    """A JSON text past one of the bounds, found while decoding it."""

    def __init__(self, expected: str, found: str):
        super().__init__(expected, found)
        self.expected, self.found = expected, found


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key written twice in any spelling (as in YAML)."""
    mapping: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for key, value in pairs:
        form = _key_form(key)
        if form in seen:
            also = "" if seen[form] == key else f" (cùng khóa '{_clip(seen[form])}' viết cách khác)"
            raise _JSONBound("JSON hợp lệ", f"khóa '{_clip(key)}' xuất hiện hai lần{also}")
        seen[form] = key
        mapping[key] = value
    return mapping


#: PyYAML's words for the problems a clerk's or an attacker's file can have.
_YAML_PROBLEMS = {"found unconstructable recursive node": "một bí danh YAML (*) trỏ vào chính nó",
                  "found undefined alias": "một bí danh YAML (*) chưa được khai báo (&)"}


def parse_text(text: str, source: str) -> Any:
    """Return the raw data of a YAML or JSON text; JSON is valid YAML but read as JSON.

    Numbers longer than :data:`docgen.bounds.MAX_NUMBER_CHARS`, nesting deeper than
    :data:`docgen.bounds.MAX_DEPTH` and a key written twice (in any spelling) are refused
    here, while parsing.
    """
    stripped = text.lstrip("\ufeff").lstrip()
    try:
        if source.lower().endswith(".json") or stripped.startswith("{"):
            return json.loads(stripped, parse_float=_json_number(Decimal),
                              parse_int=_json_number(int), object_pairs_hook=_json_object)
        return yaml.load(stripped, Loader=_DecimalLoader)
    except RecursionError as exc:  # JSON nested a thousand levels deep: the C parser's limit
        raise too_deep(source) from exc
    except _JSONBound as exc:
        raise InputError([Problem(source, "tệp", exc.expected, exc.found)]) from exc
    except _YAMLBound as exc:
        mark = exc.problem_mark
        raise InputError([Problem(source, f"dòng {mark.line + 1}, cột {mark.column + 1}",
                                  exc.expected, exc.found)]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else "tệp"
        found = _YAML_PROBLEMS.get(exc.problem or "", exc.problem or str(exc)[:200])
        raise InputError([Problem(source, where, "YAML hợp lệ", found)]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(source, "tệp", "YAML hợp lệ", str(exc))]) from exc
    except json.JSONDecodeError as exc:
        where = f"dòng {exc.lineno}, cột {exc.colno}"
        raise InputError([Problem(source, where, "JSON hợp lệ", exc.msg)]) from exc


def load_data(data: Any, source: str, sheets: list[SheetClaims] | None = None, *,
              base: Path | None = None) -> Dossier:
    """Validate raw data (already parsed) into a :class:`Dossier`; raise InputError.

    Blocks whose units come from a spreadsheet (``nguồn``, relative to the folder `base`)
    are filled first; what those sheets claim about totals, ranks and bands is appended to
    `sheets`. Without `base` no file may be read (the text came from a client of the
    service, not from a folder): a ``nguồn`` or a ``kỳ trước › tệp`` is then refused.
    """
    if not isinstance(data, dict):
        found = "tệp rỗng" if data is None else type(data).__name__
        raise InputError([Problem(source, "tệp", "một bảng khóa–giá trị ở cấp cao nhất", found)])
    check_size(data, source)  # before anything copies or prints the data
    try:
        data = _normalize_keys(data)
    except _DuplicateKey as exc:
        raise InputError([Problem(source, "tệp", "mỗi khóa một lần trong một bảng",
                                  f"khóa '{_clip(exc.second)}' trùng với khóa "
                                  f"'{_clip(exc.first)}' (cùng một trường)")]) from exc
    data, claims = expand_sources(data, source, base)
    check_values(data, source)
    if sheets is not None:
        sheets.extend(claims)
    try:
        dossier = Dossier.model_validate(data)
    except ValidationError as exc:
        problems = [describe_pydantic_error(error, data, source) for error in _useful(exc.errors())]
        raise InputError(problems) from exc
    problems = check_rules(dossier, source)
    if not problems and base is None and dossier.previous is not None \
            and dossier.previous.file is not None:
        problems.append(Problem(
            source, "kỳ trước › tệp", "số hồ sơ kỳ trước trong kho lưu trữ, ghi là 'hồ sơ: <số>' "
            "(hồ sơ gửi qua dịch vụ không được đọc tệp trên máy chủ)",
            f"tệp {dossier.previous.file!r}"))
    if problems:
        raise InputError(problems)
    return dossier


def _useful(errors: list[Any]) -> list[Any]:
    """Drop the "not a text" error of a text-or-citation item that was meant as a citation.

    pydantic reports a failed union member by member; when an item is a mapping, the
    failure that matters is the citation's, not that the mapping is not a string.
    """
    locations = [tuple(e["loc"]) for e in errors]
    return [
        e for e in errors
        if not (e["loc"] and e["loc"][-1] == "str" and any(
            other != tuple(e["loc"]) and other[: len(e["loc"]) - 1] == tuple(e["loc"][:-1])
            for other in locations))
    ]


def load_dossier(path: Path | str, *, with_previous: bool = True) -> Dossier:
    """Read, parse and validate the dossier file at `path`.

    When the dossier names a previous round (``kỳ trước``) and `with_previous` is true,
    that file is read too, one level only (its own ``kỳ trước`` is not followed), and is
    available as ``dossier.previous_round``.
    """
    return read_dossier(path, with_previous=with_previous)[0]


def read_dossier(path: Path | str, *,
                 with_previous: bool = True) -> tuple[Dossier, list[SheetClaims]]:
    """Return the dossier at `path` and the claims of the spreadsheets its blocks name.

    The previous round is read as :func:`load_dossier` reads it; its sheets' claims are
    not returned (they were checked when that round was published). A previous round
    named by its number in the archive (``kỳ trước: {hồ sơ: N}``) cannot be followed from
    a file and is refused when `with_previous` is asked for.
    """
    dossier, sheets = _load_one(Path(path))
    if with_previous and dossier.previous is not None and dossier.previous.dossier is not None:
        raise InputError([Problem(
            str(path), "kỳ trước › hồ sơ", "'tệp': đường dẫn tệp hồ sơ kỳ trước ('hồ sơ: <số>' "
            "chỉ dùng được trong dịch vụ lưu trữ, nơi có các hồ sơ đã lưu)",
            f"hồ sơ số {dossier.previous.dossier}")])
    if with_previous and dossier.previous is not None:
        previous = _load_previous(dossier, Path(path))
        dossier._previous_round = previous  # a private attribute: not part of the input
    return dossier, sheets


def _load_previous(dossier: Dossier, path: Path) -> Dossier:
    """Read the previous round of `dossier` (read from `path`) and check it fits."""
    source = str(path)
    where = "kỳ trước › tệp"
    assert dossier.previous is not None and dossier.previous.file is not None
    target = (path.parent / dossier.previous.file)
    if not inside_folder(path.parent, dossier.previous.file):
        # the rule of sheets: nothing outside the dossier's folder is read (or quoted)
        raise InputError([Problem(source, where, "một tệp trong thư mục của hồ sơ (hoặc thư "
                                  "mục con)", repr(dossier.previous.file))])
    if target.resolve() == path.resolve():
        raise InputError([Problem(source, where, "một tệp hồ sơ khác tệp này",
                                  dossier.previous.file)])
    if not target.is_file():
        raise InputError([Problem(source, where, "một tệp hồ sơ có thật",
                                  f"không tìm thấy tệp {target}")])
    previous = _load_one(target)[0]
    problems = check_previous(dossier, previous, source, str(target))
    if problems:
        raise InputError(problems)
    return previous


def check_previous(dossier: Dossier, previous: Dossier, source: str,
                   previous_source: str) -> list[Problem]:
    """Return why `previous` cannot be the previous round of `dossier`: a year that is not
    earlier, or a name mapping that does not fit (see :func:`check_mapping`).

    Shared by the file loader and the service (which reads the round from its archive).
    """
    problems = []
    if previous.year >= dossier.year:
        problems.append(Problem(previous_source, "năm",
                                f"năm trước năm {dossier.year} của {source}", str(previous.year)))
    return problems + check_mapping(dossier, previous, source)


def check_mapping(dossier: Dossier, previous: Dossier, source: str) -> list[Problem]:
    """Return the problems of the name mapping: every name must exist on its side, once."""
    here = {name_key(u.name) for b in dossier.blocks for u in b.units}
    there = {name_key(u.name) for b in previous.blocks for u in b.units}
    problems = []
    targets: dict[str, str] = {}
    for current, old in dossier.previous.mapping.items():
        where = f"kỳ trước › ánh xạ › '{current}'"
        if name_key(current) not in here:
            problems.append(Problem(source, where, "tên một đơn vị của hồ sơ này",
                                    "không có đơn vị nào tên như vậy"))
        if name_key(old) not in there:
            problems.append(Problem(source, where, "tên một đơn vị của hồ sơ kỳ trước",
                                    f"'{old}' không có trong hồ sơ kỳ trước"))
        elif name_key(old) in targets:
            problems.append(Problem(source, where, "mỗi đơn vị kỳ trước được ánh xạ một lần",
                                    f"'{old}' đã ánh xạ cho '{targets[name_key(old)]}'"))
        else:
            targets[name_key(old)] = current
    return problems


def _load_one(path: Path) -> tuple[Dossier, list[SheetClaims]]:
    """Read, parse and validate one dossier file, without its previous round."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Problem(source, "tệp", f"tối đa {MAX_BYTES // 2**20} MB",
                                      f"{size // 2**20} MB")])
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError([Problem(source, "tệp", "một tệp hồ sơ có thật", "không tìm thấy tệp")]) from exc
    except IsADirectoryError as exc:
        raise InputError([Problem(source, "tệp", "một tệp", "một thư mục")]) from exc
    text = decode_text(raw, source)
    sheets: list[SheetClaims] = []
    return load_data(parse_text(text, source), source, sheets, base=path.parent), sheets

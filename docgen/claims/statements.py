"""Statements with numbers in a text written by people, checked against the data and
against the text itself.

Reports are typed by hand and go wrong in ways a table does not: "có 05 xã đạt điểm tối
đa", "đạt 4/8 điểm (45%)", "thấp nhất là …" copied from last year's paragraph. This module
reads passages (paragraphs with where they are) and tables, finds each statement it can
compute, and returns a :class:`Finding` for it: the quote, where it is, its kind, what it
states, what the data gives, and a verdict — ``đúng``, ``sai``, or ``không kiểm tra được``
with the reason (it is about another year, no data says it, the block is not named).

Two kinds of check:

- **against the data** (a computed round, :class:`~docgen.claims.facts.Facts`): counts of
  units per band and their shares, the units named for a band, averages (of the total, of
  a lĩnh vực, of a component), units below the average, highest and lowest units, a unit's
  score and rank, ranges of scores, the gap between highest and lowest, "không có đơn vị
  nào …", counts of units at a lĩnh vực's maximum, the survey's ballots;
- **within the text**, needing no data: a fraction and the percentage printed for it
  (1.000/1.043 is 95,88%, not 95,6%), the shares of one block adding up to 100, and the
  number of names listed after "có 07 đơn vị".

The block a statement is about comes from its passage or, failing that, the heading above
it; the lĩnh vực likewise. Numbers are read the Vietnamese way: "1.043" is a thousand and
forty-three, "95,88" a decimal. A stated figure agrees when it equals the computed one at
the decimals it shows; a share of units also when it is the other neighbour at those
decimals (largest-remainder rounding makes shares add up to 100).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.claims.facts import BlockFacts, Facts, contains, fold, plain
from docgen.compute.results import ComponentStat, UnitResult
from docgen.compute.shares import largest_remainder_shares
from docgen.formatting.numbers import format_number
from docgen.rounding import round_half_up

RIGHT, WRONG, UNKNOWN = "đúng", "sai", "không kiểm tra được"

#: A number written the Vietnamese way: thousands with dots, decimals after a comma.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_N = rf"(?<![\d.,])(?:{NUMBER})(?![\d])"


@dataclass(frozen=True)
class Finding:
    """One computable statement, checked."""

    quote: str
    location: str
    kind: str
    stated: str
    computed: str
    verdict: str
    reason: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"quote": self.quote, "location": self.location, "kind": self.kind,
                "stated": self.stated, "computed": self.computed, "verdict": self.verdict,
                "reason": self.reason}


@dataclass(frozen=True)
class Passage:
    """A paragraph (or a heading) of a text and where it is ("đoạn 12", "trang 3, đoạn 4")."""

    text: str
    location: str
    heading: bool = False


@dataclass(frozen=True)
class TableText:
    """A table of a text: its cells as text, row by row, and where it is ("bảng 2")."""

    rows: tuple[tuple[str, ...], ...]
    location: str


def number(text: str) -> Decimal:
    """The value of a Vietnamese number.

    >>> number("1.043"), number("95,88"), number("05"), number("1.000,5")
    (Decimal('1043'), Decimal('95.88'), Decimal('5'), Decimal('1000.5'))
    """
    return Decimal(text.replace(".", "").replace(",", "."))


def decimals(text: str) -> int:
    """How many decimals the number shows: "95,6" 1, "1.043" 0."""
    return len(text.split(",", 1)[1]) if "," in text else 0


def shown(value: Decimal, places: int) -> str:
    return format_number(round_half_up(value, places), places)


@dataclass
class _Context:
    """What the text is about at this point: the block and lĩnh vực named by the headings
    above, whether it is the survey's section."""

    block: BlockFacts | None = None
    field_heading: str | None = None  #: the heading's text naming a lĩnh vực
    survey: bool = False
    section: int = 0  #: headings seen so far: shares are added up within one section
    #: (section, of how many) -> (count, share as printed, quote, location), in text order
    shares: dict[tuple[int, int], list[tuple[int, str, str, str]]] = field(default_factory=dict)


def check_passages(passages: Sequence[Passage], facts: Facts,
                   tables: Sequence[TableText] = ()) -> list[Finding]:
    """Return a finding for every computable statement of the passages and tables."""
    context = _Context()
    findings: list[Finding] = []
    for passage in passages:
        if passage.heading:  # a heading sets what follows is about; it may state a figure
            _enter(context, passage.text, facts)
        block = facts.block_in(passage.text) or context.block
        survey = context.survey or "phiếu" in passage.text.lower()
        for clause in _clauses(passage.text):
            findings += _check_clause(clause, passage, block, context, survey, facts)
    findings += _share_sums(context)
    for table in tables:
        findings += check_table(table, facts)
    if not facts.has_data:
        findings = [f if f.verdict != UNKNOWN else
                    Finding(f.quote, f.location, f.kind, f.stated, f.computed, UNKNOWN,
                            "không có dữ liệu để đối chiếu (cần hồ sơ có điểm các đơn vị)")
                    for f in findings]
    return findings


def _enter(context: _Context, heading: str, facts: Facts) -> None:
    """A heading: what the passages under it are about."""
    folded = fold(heading)
    context.section += 1
    top = bool(re.match(r"^\s*[IVX]+\s*[.)]", heading))
    block = facts.block_in(heading)
    if block is not None:
        context.block = block
    elif top:
        context.block = None
    if top:
        context.survey = "dieu tra xa hoi hoc" in folded
        context.field_heading = None
    elif "dieu tra xa hoi hoc" in folded:
        context.survey = True
    if context.block is not None and context.block.field_named(heading) is not None:
        context.field_heading = heading


def _clauses(text: str) -> list[str]:
    """Sentences of a passage (a statement never spans two)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ\-+])|;\s+", " ".join(text.split()))
    return [p for p in parts if p.strip()]


def _other_year(clause: str, facts: Facts) -> str | None:
    """The other year a clause is about ("năm 2022", "năm trước"), outside "so với năm"."""
    text = re.sub(r"so với (?:cùng kỳ )?năm (?:\d{4}|trước)", "", clause, flags=re.IGNORECASE)
    for year in re.findall(r"năm (\d{4})", text, flags=re.IGNORECASE):
        if facts.year is not None and int(year) != facts.year:
            return year
    if re.search(r"năm trước|kỳ trước", text, flags=re.IGNORECASE):
        return "trước"
    return None


def _finding(quote: str, passage: Passage, kind: str, stated: str, computed: str,
             agrees: bool, reason: str = "") -> Finding:
    return Finding(quote.strip(), passage.location, kind, stated, computed,
                   RIGHT if agrees else WRONG, reason)


def _unknown(quote: str, passage: Passage, kind: str, stated: str, reason: str) -> Finding:
    return Finding(quote.strip(), passage.location, kind, stated, "", UNKNOWN, reason)


def _check_clause(clause: str, passage: Passage, block: BlockFacts | None, context: _Context,
                  survey: bool, facts: Facts) -> list[Finding]:
    found = list(_fractions(clause, passage, context))
    found += _listed_counts(clause, passage, facts)
    year = _other_year(clause, facts)
    data: list[Finding] = []
    data += _changes(clause, passage, block, facts)
    data += _survey(clause, passage, facts) if survey else []
    data += _bands(clause, passage, block, context)
    data += _averages(clause, passage, block, context, survey)
    data += _below(clause, passage, block, survey)
    data += _extremes(clause, passage, block, context)
    data += _gap(clause, passage, block)
    data += _units(clause, passage, block, context, facts)
    data += _at_maximum(clause, passage, block, context)
    data += _ranges(clause, passage, block, context)
    if year is not None:
        data = [f if f.kind == "thay đổi so với năm trước" else
                _unknown(f.quote, passage, f.kind, f.stated,
                         f"nói về năm {year}, không phải năm {facts.year} của dữ liệu")
                for f in data]
    return found + data


# ---------------------------------------------------------------------------------------
# Within the text
# ---------------------------------------------------------------------------------------

_FRACTION_PERCENT = re.compile(
    rf"(?P<a>{_N})\s*/\s*(?P<b>{_N})(?P<between>[^%/;]{{0,60}}?)(?P<p>{_N})\s*%")


def _fractions(clause: str, passage: Passage, context: _Context) -> Iterator[Finding]:
    """A fraction and the percentage printed for it: 1.000/1.043 phiếu, đạt 95,88%. A
    share of units ("có 07/15 đơn vị chiếm tỷ lệ 46,67%") may also be the other neighbour
    at its decimals; which one is decided with the other shares of its section."""
    for m in _FRACTION_PERCENT.finditer(clause):
        a, b, p = number(m["a"]), number(m["b"]), number(m["p"])
        if b == 0 or re.search(rf"{_N}", m["between"]):
            continue
        places = decimals(m["p"])
        exact = a * 100 / b
        nearest = round_half_up(exact, places)
        share_of_units = bool(re.search(r"đơn vị|xã|sở|huyện|phường|cơ quan", m["between"]))
        step = Decimal(1).scaleb(-places)
        agrees = p == nearest or (share_of_units and abs(p - exact) < step)
        if share_of_units and a == a.to_integral_value() and b == b.to_integral_value():
            context.shares.setdefault((context.section, int(b)), []).append(
                (int(a), m["p"], m.group(0), passage.location))
        yield _finding(m.group(0), passage, "phân số và phần trăm", f"{m['p']}%",
                       f"{shown(exact, max(places, 2))}%", agrees)


_LISTED = re.compile(
    rf"có (?P<n>{_N})(?:\s*/\s*{_N})? (?:đơn vị|xã|sở|huyện|phường|cơ quan)"
    r"[^(:;]{0,120}?(?:\(|:\s)(?P<names>[^()]+?)(?:\)|$)", re.IGNORECASE)


def _listed_counts(clause: str, passage: Passage, facts: Facts) -> Iterator[Finding]:
    """The number of names listed after "có 07 đơn vị (…)": units the data knows, or else
    the parts between commas (unit names often hold "và": Sở Khoa học và Công nghệ)."""
    for m in _LISTED.finditer(clause):
        parts = [n.strip() for n in re.split(r"[,;]", m["names"]) if n.strip()]
        if len(parts) < 2 or any(re.search(r"\d", n) or len(n) > 70 for n in parts):
            continue
        known = facts.units_in(m["names"])
        count = len({(b.index, u.name) for _, _, b, u in known}) if known else len(parts)
        stated = int(number(m["n"]))
        yield _finding(m.group(0), passage, "số tên liệt kê", f"{m['n']} đơn vị",
                       f"{count:02d} tên được liệt kê", stated == count)


def _share_sums(context: _Context) -> list[Finding]:
    """The shares of one section that cover all the units they are of (07/15 + 08/15):
    they must add up to 100%, and a share that is neither its nearest rounding nor the one
    largest-remainder rounding gives it was forced to make them add up."""
    found = []
    for (_, size), entries in context.shares.items():
        if len(entries) < 2 or sum(count for count, _, _, _ in entries) != size:
            continue
        places = max(decimals(p) for _, p, _, _ in entries)
        stated = [number(p) for _, p, _, _ in entries]
        total = sum(stated, Decimal(0))
        fair = largest_remainder_shares([count for count, _, _, _ in entries], places)
        quote = " … ".join(q for _, _, q, _ in entries)
        found.append(Finding(quote, entries[0][3], "tổng các tỷ lệ",
                             f"{format_number(total, places)}%", "100%",
                             RIGHT if total == 100 else WRONG,
                             "" if total == 100 else "các tỷ lệ của một khối phải cộng lại "
                                                      "bằng 100%"))
        for (count, printed, quote_one, location), value, expected in zip(
                entries, stated, fair, strict=True):
            nearest = round_half_up(Decimal(count) * 100 / size, places)
            if value not in (nearest, expected):
                found.append(Finding(quote_one, location, "tỷ lệ bị ép cho đủ 100%",
                                     f"{printed}%", f"{format_number(expected, places)}%", WRONG,
                                     "không phải tỷ lệ làm tròn, cũng không phải tỷ lệ chia "
                                     "theo phần dư lớn nhất"))
    return found


# ---------------------------------------------------------------------------------------
# Against the data
# ---------------------------------------------------------------------------------------


def _no_block(quote: str, passage: Passage, kind: str, stated: str) -> Finding:
    return _unknown(quote, passage, kind, stated,
                    "không rõ khối nào (đoạn văn và tiêu đề không nêu tên khối)")


def _score_agrees(stated_text: str, value: Decimal) -> bool:
    return number(stated_text) == round_half_up(value, decimals(stated_text))


def _changes(clause: str, passage: Passage, block: BlockFacts | None,
             facts: Facts) -> Iterator[Finding]:
    """ "Tổng điểm trung bình … đạt: 86,04/100 điểm, tăng 1,12 điểm so với năm 2023": the
    change of the block's average (a change said of a unit or of the gap is not read)."""
    for m in re.finditer(rf"(?P<dir>tăng|giảm) (?P<v>{_N}) điểm so với năm (?P<y>\d{{4}})",
                         clause, flags=re.IGNORECASE):
        before = clause[: m.start()].lower()
        if "trung bình" not in before or "khoảng cách" in before or facts.units_in(before):
            continue
        comparison = facts.comparison
        stated = f"{m['dir']} {m['v']} điểm"
        if block is None:
            if facts.has_data:
                yield _no_block(m.group(0), passage, "thay đổi so với năm trước", stated)
            continue
        pair = comparison.blocks[block.index] if comparison is not None else None
        if pair is None or comparison is None or int(m["y"]) != comparison.previous_year:
            yield _unknown(m.group(0), passage, "thay đổi so với năm trước", stated,
                           f"hồ sơ không có kết quả năm {m['y']} để so sánh")
            continue
        change = pair.average_change
        signed = number(m["v"]) * (1 if m["dir"].lower() == "tăng" else -1)
        word = "tăng" if change >= 0 else "giảm"
        yield _finding(m.group(0), passage, "thay đổi so với năm trước", stated,
                       f"{word} {shown(abs(change), decimals(m['v']))} điểm",
                       signed == round_half_up(change, decimals(m["v"])))


def _survey(clause: str, passage: Passage, facts: Facts) -> Iterator[Finding]:
    """Ballots: "thu về 1.000/1.043 phiếu", "hợp lệ là 1.000/1.000 phiếu", "phát ra 1.043"."""
    if facts.survey is None:
        return
    issued, returned, valid = facts.survey
    m = re.search(rf"thu về[^\d;]{{0,20}}(?P<a>{_N})\s*/\s*(?P<b>{_N})", clause)
    if m:
        yield _finding(m.group(0), passage, "số phiếu điều tra", f"{m['a']}/{m['b']}",
                       f"{returned:,}/{issued:,}".replace(",", "."),
                       (number(m["a"]), number(m["b"])) == (returned, issued))
    m = re.search(rf"hợp lệ[^\d;]{{0,20}}(?P<a>{_N})\s*/\s*(?P<b>{_N})", clause)
    if m:
        yield _finding(m.group(0), passage, "số phiếu điều tra", f"{m['a']}/{m['b']}",
                       f"{valid:,}/{returned:,}".replace(",", "."),
                       (number(m["a"]), number(m["b"])) == (valid, returned))


def _band_in(clause: str, block: BlockFacts) -> int | None:
    """The band the clause names first ("Mức TỐT", "nhóm B", "xếp loại TRUNG BÌNH")."""
    folded = f" {fold(clause)} "
    term = fold(block.scheme.band_term)
    best: tuple[int, int] | None = None
    for i, band in enumerate(block.scheme.bands):
        label = fold(band.label)
        for prefix in dict.fromkeys((term, "muc", "nhom", "xep loai")):
            at = folded.find(f" {prefix} {label} ")
            if at >= 0 and (best is None or at < best[0]):
                best = (at, i)
    return best[1] if best else None


def _bands(clause: str, passage: Passage, block: BlockFacts | None,
           context: _Context) -> Iterator[Finding]:
    """A band's count, share, members and range: "Mức TỐT … đạt từ 80% - dưới 90%: có
    07/15 đơn vị chiếm tỷ lệ 46,67% (Sở …, …)", and "không có đơn vị nào đạt mức …"."""
    if block is None:
        return
    index = _band_in(clause, block)
    if index is None:
        return
    band = block.result.bands[index]
    size = block.result.size
    label = f"{block.scheme.band_term} {band.band.label}"
    band_at = _band_position(clause, block, index)
    if re.search(r"không có (?:đơn vị|xã|sở|huyện|phường|cơ quan) nào", clause, re.IGNORECASE):
        yield _finding(clause, passage, "không có đơn vị nào", f"{label}: không có đơn vị nào",
                       f"{len(band.units):02d} đơn vị", not band.units)
        return
    m = re.search(rf"có (?P<n>{_N})(?:\s*/\s*(?P<of>{_N}))? (?:đơn vị|xã|sở|huyện|phường|cơ quan)",
                  clause, re.IGNORECASE)
    if m and not (band_at < m.start() or band_at - m.end() < 40):
        m = None  # the band is named far after the count: the count is of something else
    if m:
        stated = f"{m['n']}" + (f"/{m['of']}" if m["of"] else "") + " đơn vị"
        agrees = int(number(m["n"])) == len(band.units) and (
            m["of"] is None or int(number(m["of"])) == size)
        yield _finding(m.group(0), passage, "số đơn vị", f"{label}: {stated}",
                       f"{len(band.units):02d}/{size:02d} đơn vị", agrees)
        names_text = clause[m.end():]
        listed = re.search(r"\((?P<names>[^()]+)\)", names_text)
        if listed:
            named = {u.name for _, _, b, u in _units_of(listed["names"], block)}
            expected = {u.name for u in band.units}
            if named:
                missing, extra = sorted(expected - named), sorted(named - expected)
                # a name cut by a page break (and what a PDF puts between) is not missing
                missing = [n for n in missing if not _scattered(n, listed["names"])]
                detail = "; ".join(filter(None, [
                    f"thiếu {', '.join(missing)}" if missing else "",
                    f"không thuộc mức này: {', '.join(extra)}" if extra else ""]))
                yield _finding(listed.group(0), passage, "đơn vị của mức",
                               f"{label}: {len(named):02d} tên",
                               detail or f"{len(expected):02d} tên, đúng các đơn vị",
                               not missing and not extra)
    share = re.search(rf"(?:chiếm(?: tỷ lệ)?|tỷ lệ)\s*(?P<p>{_N})\s*%", clause)
    if share:
        places = decimals(share["p"])
        stated_share = number(share["p"])
        yield _finding(share.group(0), passage, "tỷ lệ", f"{label}: {share['p']}%",
                       f"{shown(band.share, places)}%",
                       stated_share == round_half_up(band.share, places))
    bounds = re.search(rf"(?:từ\s*(?P<low>{_N})\s*(?:%|điểm)?\s*(?:trở lên|(?:-|–|đến)\s*"
                       rf"(?:dưới\s*)?(?P<high>{_N})\s*(?:%|điểm)))|dưới\s*(?P<under>{_N})\s*(?:%|điểm)",
                       clause)
    if bounds:
        low = number(bounds["low"]) if bounds["low"] else None
        high = number(bounds["high"] or bounds["under"]) if (bounds["high"] or bounds["under"]) \
            else None
        agrees = low == band.band.lower and high == band.band.upper
        expected = ("từ " + format_number(band.band.lower) if band.band.lower is not None else "") \
            + (" đến dưới " + format_number(band.band.upper) if band.band.upper is not None
               else " trở lên")
        yield _finding(bounds.group(0), passage, "khoảng điểm của mức", f"{label}: {bounds.group(0)}",
                       expected.strip(), agrees)


def _band_position(clause: str, block: BlockFacts, index: int) -> int:
    """Where in the clause the band `index` is first named (as in :func:`_band_in`)."""
    simple = plain(clause)
    term = plain(block.scheme.band_term)
    label = plain(block.scheme.bands[index].label)
    found = [m.start() for prefix in dict.fromkeys((term, "mức", "muc", "nhom", "xep loai"))
             for m in re.finditer(rf"(?<![0-9a-z]){re.escape(plain(prefix))}\s+"
                                  rf"{re.escape(label)}(?![0-9a-z])", simple)]
    return min(found) if found else 0


def _scattered(name: str, text: str) -> bool:
    """Whether the words of `name` appear in `text` in order, with other text between."""
    words = re.findall(r"[0-9a-z]+", plain(name))
    return bool(words) and re.search(r"(?<![0-9a-z])" + r"(?![0-9a-z]).*?(?<![0-9a-z])".join(
        map(re.escape, words)) + r"(?![0-9a-z])", plain(text), re.DOTALL) is not None


def _units_of(text: str, block: BlockFacts) -> list[tuple[int, int, BlockFacts, UnitResult]]:
    facts = Facts(blocks=[block])
    return facts.units_in(text)


def _target(clause: str, block: BlockFacts, context: _Context, maximum: str | None,
            survey: bool, passage: str = "") -> tuple[str, ComponentStat | None]:
    """What an average or an extreme is of: the total, a lĩnh vực or a component: the one
    the clause names, else the passage, else the heading above; else the one whose
    maximum is the stated one."""
    stat = block.field_named(clause) or (block.field_named(passage) if passage else None)
    if stat is None and context.field_heading is not None and context.block is block:
        stat = block.field_named(context.field_heading)
    if stat is None and maximum is not None:
        value = number(maximum)
        if value != block.scheme.max_total:
            candidates = [s for s in (*block.result.fields, *block.result.components)
                          if s.max == value]
            if survey and block.scheme.survey_component is not None:
                candidates = [s for s in candidates if s.key == block.scheme.survey_component] \
                    or candidates
            if len(candidates) == 1:
                stat = candidates[0]
    if stat is None and survey and block.scheme.survey_component and maximum is None:
        stat = block.result.component(block.scheme.survey_component)
    return (stat.name if stat is not None else "tổng điểm"), stat


_AVERAGE = re.compile(rf"(?:điểm trung bình|trung bình (?=của|đạt|là))(?P<who>[^\d;]{{0,90}}?)(?P<v>{_N})"
                      rf"(?:\s*/\s*(?P<max>{_N}))?\s*điểm", re.IGNORECASE)


def _averages(clause: str, passage: Passage, block: BlockFacts | None, context: _Context,
              survey: bool) -> Iterator[Finding]:
    for m in _AVERAGE.finditer(clause):
        if re.search(r"thấp hơn|cao hơn", m["who"]):
            continue
        kind = "điểm trung bình"
        if block is None:
            yield _no_block(m.group(0), passage, kind, m["v"])
            continue
        what, stat = _target(clause[: m.end()], block, context, m["max"], survey)
        if stat is None and m["max"] and number(m["max"]) != block.scheme.max_total:
            yield _unknown(m.group(0), passage, kind, m["v"] + f"/{m['max']}",
                           f"dữ liệu không có điểm nào tối đa {m['max']} điểm ở {block.name}")
            continue
        average = stat.average if stat is not None else block.result.average
        maximum = stat.max if stat is not None else block.scheme.max_total
        places = decimals(m["v"])
        agrees = number(m["v"]) == round_half_up(average, places) and (
            m["max"] is None or number(m["max"]) == maximum)
        stated = m["v"] + (f"/{m['max']}" if m["max"] else "")
        yield _finding(m.group(0), passage, kind, f"{what}: {stated} điểm",
                       f"{shown(average, places)}/{format_number(maximum)} điểm", agrees)


def _below(clause: str, passage: Passage, block: BlockFacts | None,
           survey: bool) -> Iterator[Finding]:
    m = re.search(rf"có (?P<n>{_N})(?:\s*/\s*(?P<of>{_N}))? (?:đơn vị|xã|sở|huyện|phường)"
                  r"[^;.]{0,50}?thấp hơn (?:điểm )?(?:trung bình|mức trung bình)", clause,
                  re.IGNORECASE)
    if not m:
        return
    kind = "số đơn vị dưới trung bình"
    if block is None:
        yield _no_block(m.group(0), passage, kind, m["n"])
        return
    count = block.result.below_average
    what = "tổng điểm"
    if survey and block.scheme.survey_component:
        stat = block.result.component(block.scheme.survey_component)
        if stat is not None:
            count, what = stat.below, stat.name
    stated = m["n"] + (f"/{m['of']}" if m["of"] else "")
    agrees = int(number(m["n"])) == count and (m["of"] is None or
                                               int(number(m["of"])) == block.result.size)
    yield _finding(m.group(0), passage, kind, f"{what}: {stated} đơn vị",
                   f"{count:02d}/{block.result.size:02d} đơn vị", agrees)


_EXTREME = re.compile(r"(?P<which>cao nhất|thấp nhất)(?! và)(?:\s*(?:là|:))?\s*"
                      rf"(?P<names>[^();]{{3,240}}?)(?:\s*\((?P<v>{_N})(?:\s*/\s*(?P<max>{_N}))?"
                      r"\s*điểm\)|[.;]|$)", re.IGNORECASE)


def _extremes(clause: str, passage: Passage, block: BlockFacts | None,
              context: _Context) -> Iterator[Finding]:
    """ "đơn vị đạt điểm thấp nhất: Sở Ngoại vụ (81,20/100 điểm)"."""
    for m in _EXTREME.finditer(clause):
        if block is None:
            continue
        named = [u for _, _, _, u in _units_of(m["names"], block)]
        if not named:
            continue
        highest = m["which"].lower() == "cao nhất"
        kind = "đơn vị cao nhất" if highest else "đơn vị thấp nhất"
        what, stat = _target(clause[: m.start()] + " " + m["names"], block, context, m["max"],
                             False, passage.text)
        if stat is not None:
            units = stat.best if highest else stat.worst
            position = next(i for i, s in enumerate((*block.result.fields,
                                                     *block.result.components)) if s is stat)
            in_fields = position < len(block.result.fields)
            index = position if in_fields else position - len(block.result.fields)
            value = (units[0].fields if in_fields else units[0].scores)[index]
        else:
            units = block.result.highest if highest else block.result.lowest
            value = units[0].total
        expected = {u.name for u in units}
        names = {u.name for u in named}
        agrees = names == expected
        computed = ", ".join(u.name for u in units)
        stated = ", ".join(u.name for u in named)
        if m["v"]:
            places = decimals(m["v"])
            agrees = agrees and number(m["v"]) == round_half_up(value, places)
            stated += f" ({m['v']} điểm)"
            computed += f" ({shown(value, places)} điểm)"
        yield _finding(m.group(0), passage, kind, f"{what}: {stated}", computed, agrees)


def _gap(clause: str, passage: Passage, block: BlockFacts | None) -> Iterator[Finding]:
    m = re.search(rf"khoảng cách giữa (?:điểm )?cao nhất và (?:điểm )?thấp nhất là (?P<v>{_N})"
                  r"\s*điểm", clause, re.IGNORECASE)
    if not m:
        return
    if block is None:
        yield _no_block(m.group(0), passage, "khoảng cách cao nhất - thấp nhất", m["v"])
        return
    places = decimals(m["v"])
    yield _finding(m.group(0), passage, "khoảng cách cao nhất - thấp nhất", f"{m['v']} điểm",
                   f"{shown(block.result.gap, places)} điểm",
                   _score_agrees(m["v"], block.result.gap))


_AFTER_NAME = re.compile(rf"^\s*(?:\(|:|,)?\s*(?:đạt\s*|được\s*)?(?P<v>{_N})"
                         rf"(?:\s*/\s*(?P<max>{_N}))?\s*điểm(?P<pct>\s*\(\s*(?P<p>{_N})\s*%)?",
                         re.IGNORECASE)
_RANK = re.compile(rf"^[^.;()]{{0,40}}?(?:xếp thứ|đứng thứ|xếp hạng(?: thứ)?)\s*(?P<r>{_N})",
                   re.IGNORECASE)


def _units(clause: str, passage: Passage, block: BlockFacts | None, context: _Context,
           facts: Facts) -> Iterator[Finding]:
    """A unit's score ("Sở Nội vụ (96,53 điểm)", "Xã A đạt 4/8 điểm (50%)") and rank."""
    if re.search(r"cao nhất|thấp nhất", clause, re.IGNORECASE):
        return  # the extremes check reads those names
    for start, end, unit_block, unit in facts.units_in(clause):
        if block is not None and unit_block is not block and block.unit(unit.name) is not None:
            continue  # the same name in two blocks: the one the passage is about
        after = clause[end:]
        m = _AFTER_NAME.match(after)
        if m:
            what, stat = _target(clause, unit_block, context, m["max"], False, passage.text)
            if stat is None and m["max"] and number(m["max"]) != unit_block.scheme.max_total:
                yield _unknown(clause[start:end] + after[: m.end()], passage, "điểm của đơn vị",
                               m["v"] + f"/{m['max']}", f"không rõ điểm nào tối đa {m['max']} "
                               "điểm (đoạn văn không nêu lĩnh vực)")
                continue
            if stat is not None:
                fields = unit_block.result.fields
                if stat in fields:
                    value = unit.fields[fields.index(stat)]
                else:
                    value = unit.scores[unit_block.result.components.index(stat)] \
                        if unit.scores else None
            else:
                value = unit.total
            quote = clause[start:end] + after[: m.end()]
            if value is None:
                yield _unknown(quote, passage, "điểm của đơn vị", m["v"],
                               f"dữ liệu không có điểm {what} của đơn vị")
                continue
            maximum = stat.max if stat is not None else unit_block.scheme.max_total
            places = decimals(m["v"])
            agrees = _score_agrees(m["v"], value) and (m["max"] is None or
                                                       number(m["max"]) == maximum)
            yield _finding(quote, passage, "điểm của đơn vị",
                           f"{unit.name}, {what}: {m['v']}" + (f"/{m['max']}" if m["max"] else "")
                           + " điểm", f"{shown(value, places)}/{format_number(maximum)} điểm",
                           agrees)
            if m["p"] and m["max"] is None:
                exact = value * 100 / maximum
                p_places = decimals(m["p"])
                yield _finding(quote, passage, "phần trăm điểm tối đa", f"{m['p']}%",
                               f"{shown(exact, max(p_places, 2))}%",
                               number(m["p"]) == round_half_up(exact, p_places))
        r = _RANK.match(after)
        if r:
            quote = clause[start:end] + after[: r.end()]
            yield _finding(quote, passage, "xếp hạng", f"{unit.name}: {r['r']}", str(unit.rank),
                           int(number(r["r"])) == unit.rank)


def _at_maximum(clause: str, passage: Passage, block: BlockFacts | None,
                context: _Context) -> Iterator[Finding]:
    """ "có 05 xã đạt điểm tối đa" (of the lĩnh vực in the passage or the heading)."""
    m = re.search(rf"có (?P<n>{_N}) (?:đơn vị|xã|sở|huyện|phường|cơ quan)[^.;]{{0,40}}?"
                  r"đạt (?:điểm )?tối đa", clause, re.IGNORECASE)
    none = re.search(r"không có (?:đơn vị|xã|sở|huyện|phường|cơ quan) nào[^.;]{0,40}?"
                     r"đạt (?:điểm )?tối đa", clause, re.IGNORECASE)
    if not (m or none):
        return
    quote = (m or none).group(0)  # type: ignore[union-attr]
    stated = m["n"] if m else "không có đơn vị nào"
    kind = "số đơn vị đạt điểm tối đa"
    if block is None:
        yield _no_block(quote, passage, kind, stated)
        return
    what, stat = _target(clause, block, context, None, False)
    if stat is None:
        yield _unknown(quote, passage, kind, stated, "không rõ lĩnh vực nào")
        return
    fields = block.result.fields
    values = [u.fields[fields.index(stat)] if stat in fields
              else u.scores[block.result.components.index(stat)] for u in block.result.units]
    count = sum(1 for v in values if v == stat.max)
    expected = int(number(m["n"])) if m else 0
    yield _finding(quote, passage, kind, f"{what}: {stated}", f"{count:02d} đơn vị",
                   count == expected)


def _ranges(clause: str, passage: Passage, block: BlockFacts | None,
            context: _Context) -> Iterator[Finding]:
    """ "các xã đạt từ 6–7,5 điểm" in a lĩnh vực: every unit's score within the range."""
    if block is None or _band_in(clause, block) is not None:
        return
    m = re.search(rf"đạt từ (?P<low>{_N})\s*(?:điểm)?\s*(?:–|-|đến)\s*(?P<high>{_N})\s*điểm",
                  clause)
    if not m:
        return
    what, stat = _target(clause, block, context, None, False)
    if stat is not None:
        fields = block.result.fields
        values = [u.fields[fields.index(stat)] if stat in fields
                  else u.scores[block.result.components.index(stat)] for u in block.result.units]
    else:
        values = [u.total for u in block.result.units]
    low, high = number(m["low"]), number(m["high"])
    places = max(decimals(m["low"]), decimals(m["high"]), 1)
    yield _finding(m.group(0), passage, "khoảng điểm", f"{what}: từ {m['low']} đến {m['high']}",
                   f"từ {shown(min(values), places)} đến {shown(max(values), places)}",
                   low <= min(values) and max(values) <= high)


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------

_SUMMARY = re.compile(r"^(?:diem )?(?:trung binh|tb|dtb|binh quan)\b")


def check_table(table: TableText, facts: Facts) -> list[Finding]:
    """Check a table of units: each unit's total, rank, band and lĩnh vực scores, and its
    average row, against the data; the table's header row says which column is which."""
    if not facts.has_data or len(table.rows) < 2:
        return []
    header_index, columns = _header(table, facts)
    if header_index is None:
        return []
    name_column = columns.get("name")
    rows = table.rows[header_index + 1:]
    named = [facts.units_in(row[name_column]) if name_column is not None and
             name_column < len(row) else [] for row in rows]
    counts: dict[int, int] = {}
    for hits in named:
        for _, _, block, _ in hits[:1]:
            counts[block.index] = counts.get(block.index, 0) + 1
    if not counts:
        return []
    block = facts.blocks[max(counts, key=lambda i: counts[i])]
    findings = []
    previous: UnitResult | None = None
    summary_next = False
    for offset, (row, hits) in enumerate(zip(rows, named, strict=True)):
        where = f"{table.location}, dòng {header_index + offset + 2}"
        label = fold(row[name_column]) if name_column is not None and name_column < len(row) else ""
        first = fold(row[0]) if row else ""
        marks = {fold(cell) for cell in row}
        summary = bool(_SUMMARY.match(label) or _SUMMARY.match(first))
        if "tdg" in marks:  # a self-assessment line (TĐG): its unit's TĐ line follows
            previous = next((u for _, _, b, u in hits if b is block), None)
            summary_next = summary
            continue
        if summary or (summary_next and "td" in marks and not label):
            findings += _table_averages(row, columns, block, where)
            summary_next = False
            continue
        unit = next((u for _, _, b, u in hits if b is block), None)
        if unit is None and "td" in marks and not label:
            unit = previous  # the TĐ line under a unit's TĐG line, without the name again
        if unit is None:
            continue
        findings += _table_unit(row, columns, block, unit, where)
    return findings


def _header(table: TableText, facts: Facts) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(table.rows[:5]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            text = fold(cell)
            if re.search(r"\b(?:ten don vi|don vi|ten co quan|co quan|ten)\b", text) \
                    and "name" not in columns:
                columns["name"] = c
            elif re.search(r"\b(?:tong diem|chi so)\b", text) and "total" not in columns:
                columns["total"] = c
            elif re.search(r"\b(?:xep hang|thu hang)\b", text):
                columns["rank"] = c
            elif re.search(r"\b(?:xep loai|muc xep loai|nhom)\b", text):
                columns["band"] = c
            else:
                for block in facts.blocks:
                    stat = block.field_named(cell)
                    code = re.match(r"^lv\s*(\d+)$", text)
                    if code and int(code.group(1)) <= len(block.result.fields):
                        stat = block.result.fields[int(code.group(1)) - 1]
                    if stat is not None:
                        columns.setdefault(f"stat:{stat.key}", c)
                        break
        if "name" in columns and len(columns) >= 2:
            return index, columns
    return None, {}


def _cell(row: tuple[str, ...], column: int | None) -> str | None:
    if column is None or column >= len(row):
        return None
    m = re.fullmatch(rf"\s*({_N})\s*", row[column])
    return m.group(1) if m else None


def _stat_value(block: BlockFacts, unit: UnitResult, key: str) -> tuple[ComponentStat,
                                                                          Decimal | None]:
    for i, stat in enumerate(block.result.fields):
        if stat.key == key:
            return stat, unit.fields[i] if unit.fields else None
    for i, stat in enumerate(block.result.components):
        if stat.key == key:
            return stat, unit.scores[i] if unit.scores else None
    raise KeyError(key)


def _table_unit(row: tuple[str, ...], columns: dict[str, int], block: BlockFacts,
                unit: UnitResult, where: str) -> list[Finding]:
    found = []
    name = unit.name
    total = _cell(row, columns.get("total"))
    if total is not None:
        found.append(Finding(f"{name}: {total}", where, "điểm của đơn vị", f"{name}: {total}",
                             shown(unit.total, decimals(total)),
                             RIGHT if _score_agrees(total, unit.total) else WRONG))
    rank = _cell(row, columns.get("rank"))
    if rank is not None:
        found.append(Finding(f"{name}: {rank}", where, "xếp hạng", f"{name}: {rank}",
                             str(unit.rank), RIGHT if int(number(rank)) == unit.rank else WRONG))
    band_column = columns.get("band")
    if band_column is not None and band_column < len(row) and row[band_column].strip():
        stated = row[band_column].strip()
        index = block.band(stated)
        label = block.scheme.bands[unit.band].label
        found.append(Finding(f"{name}: {stated}", where, "xếp loại", f"{name}: {stated}", label,
                             RIGHT if index == unit.band else WRONG))
    for key, column in columns.items():
        if not key.startswith("stat:"):
            continue
        value_text = _cell(row, column)
        if value_text is None:
            continue
        stat, value = _stat_value(block, unit, key[5:])
        if value is None:
            continue
        found.append(Finding(f"{name}, {stat.name}: {value_text}", where, "điểm của đơn vị",
                             f"{name}, {stat.name}: {value_text}",
                             shown(value, decimals(value_text)),
                             RIGHT if _score_agrees(value_text, value) else WRONG))
    return found


def _table_averages(row: tuple[str, ...], columns: dict[str, int], block: BlockFacts,
                    where: str) -> list[Finding]:
    found = []
    total = _cell(row, columns.get("total"))
    if total is not None:
        found.append(Finding(f"Trung bình: {total}", where, "điểm trung bình",
                             f"tổng điểm: {total}", shown(block.result.average, decimals(total)),
                             RIGHT if _score_agrees(total, block.result.average) else WRONG))
    for key, column in columns.items():
        value_text = _cell(row, column) if key.startswith("stat:") else None
        if value_text is None:
            continue
        stat = next(s for s in (*block.result.fields, *block.result.components)
                    if s.key == key[5:])
        found.append(Finding(f"Trung bình, {stat.name}: {value_text}", where, "điểm trung bình",
                             f"{stat.name}: {value_text}", shown(stat.average, decimals(value_text)),
                             RIGHT if _score_agrees(value_text, stat.average) else WRONG))
    return found


__all__ = ["Finding", "Passage", "RIGHT", "TableText", "UNKNOWN", "WRONG", "check_passages",
           "check_table", "plain"]

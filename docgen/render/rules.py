"""The rules of the header block, measured against the text above them.

Nghị định 30/2020 sets the rule under the agency name and under the trích yếu at 1/3 to
1/2 of the text line above, and the rule under the tiêu ngữ as long as the tiêu ngữ. A
template cannot know how long an agency's name or a title is, so after rendering each
rule paragraph (a paragraph of a rule style whose top border is the line) gets left and
right indents that leave a centred line of the right length: the widest line of the
text above it, measured with the PDF face's widths (the same as Times New Roman's, so
Word draws the same length; a paragraph that wraps counts as wide as its room), times
the rule's fraction.
"""

from __future__ import annotations

from docgen.formatting.glyphs import text_width

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: rule style -> (styles of the text it is measured against, fraction of its width)
RULES = {
    "Gachcoquan": (("Coquanbanhanh",), 0.4),
    "Gachtieungu": (("Tieungu",), 1.0),
    "Gachtrichyeu": (("Trichyeu",), 0.4),
}

#: Paragraphs that may stand between a rule and its text (the Phụ lục's "Kèm theo").
_BETWEEN = ("Kemtheo",)


def fit_rules(root, styles) -> None:
    """Set the indents of every rule paragraph of the document `root` (a ``w:document``)
    from the text above it; `styles` is the ``w:styles`` element."""
    for p in root.iter(f"{_W}p"):
        style = _style_of(p)
        if style not in RULES:
            continue
        measured, fraction = RULES[style]
        widths = []
        node = p.getprevious()
        while node is not None and node.tag == f"{_W}p":
            other = _style_of(node)
            if other in measured:
                text = "".join(t.text or "" for t in node.iter(f"{_W}t")).strip()
                if text:
                    widths.append(text_width(text, *_font(styles, other)))
            elif other not in _BETWEEN:
                break
            node = node.getprevious()
        room = _room(p, root)
        if not widths or room is None:
            continue
        # A paragraph wider than its room wraps: its widest line is at most the room.
        length = min(max(widths) * 20, room) * fraction  # twips
        side = str(round((room - length) / 2))
        ppr = p.find(f"{_W}pPr")
        ind = ppr.find(f"{_W}ind")
        if ind is None:
            continue
        ind.set(f"{_W}left", side)
        ind.set(f"{_W}right", side)


def _style_of(p) -> str | None:
    node = p.find(f"{_W}pPr/{_W}pStyle")
    return None if node is None else node.get(f"{_W}val")


def _font(styles, style_id: str) -> tuple[float, bool, bool]:
    """(size in points, bold, italic) of the paragraph style `style_id`, through its
    ``basedOn`` chain down to the document defaults."""
    found: dict[str, object] = {}
    chain = []
    current = style_id
    while current and len(chain) < 20:
        node = next((s for s in styles.iter(f"{_W}style")
                     if s.get(f"{_W}styleId") == current), None)
        if node is None:
            break
        chain.append(node.find(f"{_W}rPr"))
        based = node.find(f"{_W}basedOn")
        current = None if based is None else based.get(f"{_W}val")
    chain.append(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr"))
    for rpr in chain:
        if rpr is None:
            continue
        for key in ("sz", "b", "i"):
            hit = rpr.find(f"{_W}{key}")
            if hit is not None and key not in found:
                value = hit.get(f"{_W}val")
                found[key] = int(value) / 2 if key == "sz" else value not in ("0", "false")
    return float(found.get("sz", 10.0)), bool(found.get("b")), bool(found.get("i"))


def _room(p, root) -> float | None:
    """The width in twips a paragraph's indents are taken from: its cell less the cell
    margins, or the page's text width."""
    tc = next((a for a in p.iterancestors(f"{_W}tc")), None)
    if tc is None:
        sect = root.find(f"{_W}body/{_W}sectPr")
        if sect is None:
            return None
        size, margins = sect.find(f"{_W}pgSz"), sect.find(f"{_W}pgMar")
        return float(size.get(f"{_W}w")) - float(margins.get(f"{_W}left")) - \
            float(margins.get(f"{_W}right"))
    width = tc.find(f"{_W}tcPr/{_W}tcW")
    if width is None or width.get(f"{_W}type", "dxa") != "dxa":
        return None
    tbl = next(tc.iterancestors(f"{_W}tbl"))
    margins = {"left": 108.0, "right": 108.0}
    for holder in (tbl.find(f"{_W}tblPr/{_W}tblCellMar"), tc.find(f"{_W}tcPr/{_W}tcMar")):
        if holder is None:
            continue
        for side in margins:
            hit = holder.find(f"{_W}{side}")
            if hit is not None:
                margins[side] = float(hit.get(f"{_W}w"))
    return float(width.get(f"{_W}w")) - margins["left"] - margins["right"]

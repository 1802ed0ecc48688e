"""Build the three docxtpl templates (Quyết định, Báo cáo, Phụ lục) with python-docx.

Run ``python tools/make_docx_templates.py`` from the repository root; it rewrites
``templates/quyet_dinh/quyet_dinh.docx``, ``templates/bao_cao/bao_cao.docx`` and
``templates/bao_cao/phu_luc.docx`` byte for byte the same on every run.

The generated files are ordinary Word documents: an agency can open them in Word or
LibreOffice and reword the text around the ``{{ … }}`` tags without touching code. All the
formatting sits in named paragraph styles ("Body", "Heading khoan", "Can cu", "Noi nhan", …)
so that a change of wording never loses the Nghị định 30/2020 layout; see
``/docs/context.md`` for the tags (the context keys) that the templates may use.

Tags used (docxtpl syntax):

* ``{{ key }}`` inside a paragraph prints a value; ``{% if %}`` inside a paragraph is kept
  for the one optional phrase "(nguồn bộ tiêu chí)".
* ``{%p for … %}`` / ``{%p if … %}`` / ``{%p endfor %}`` / ``{%p endif %}`` each sit alone in
  a paragraph; that paragraph disappears from the output, the ones between are repeated
  or kept.
* ``{%tr for … %}`` / ``{%tr endfor %}`` sit alone in a table row (a merged one-cell row)
  that repeats the rows between them.

Phụ lục columns. The score components are real table columns, made with docxtpl's column
loop: the template shows three cells ``{%tc for … %}`` | ``{{ … }}`` | ``{%tc endfor %}`` in
the header row and in the data row. The two tag cells disappear and the middle one is
repeated once per component, so a dossier with 0, 1, 2 or more components gets exactly
that many columns, with a normal table grid that Word and LibreOffice both lay out the same
way. ``docgen.render.docx`` then rebuilds the table grid: every column keeps the width it
has in the template, and the widest one ("Tên đơn vị") grows or shrinks so that the table
stays as wide as the template's. A fixed "components in one cell" layout was rejected: it
would not read like the tables agencies publish.
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from fontTools.ttLib import TTFont
from lxml import etree

from docgen.render.packaging import deterministic_zip

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
FONTS = ROOT / "docgen" / "render" / "fonts"

FONT = "Times New Roman"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"

# Page (mm): A4 portrait, ND30 margins at the low end of their ranges.
PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
HEADER_DISTANCE = 10
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm

# Header table (ô 2/3 | ô 1/4) and signature table (ô 9b | ô 7), as in the ND30 templates.
HEAD_COLS = (67.5, 100.0)
SIGN_COLS = (63.5, 100.0)
HEAD_CELL_MARGIN = 1.0  # mm left and right, so the quốc hiệu fits on one line at 13 pt

# Rules (mm): what the template shows before rendering. docgen.render.rules sets each
# rendered rule from the text above it (2/5 of the agency name's or the trích yếu's widest
# line; ND30: 1/3 to 1/2), so these only matter when the template is opened as is.
AGENCY_RULE = 25.0
TITLE_RULE = 45.0

# Baselines: Times New Roman ascent is 0.891 em, so a 14 pt line sits 0.891 pt lower
# than a 13 pt one and 1.78 pt lower than a 12 pt one. The smaller text gets that much
# space before, which puts "Số" level with the date and "Nơi nhận:" level with the first
# line of the signature block.
ASCENT = 1825 / 2048

# Phụ lục table columns (mm); the two 12 mm cells hold the column-loop tags.
APPENDIX_COLS = {
    "stt": 12,
    "name": 0,  # computed: the rest of the text width
    "tag_for": 12,
    "component": 20,
    "tag_end": 12,
    "total": 16,
    "rank": 14,
    "band": 0,  # computed: the widest band label at 12 pt whole (band_width_mm)
}
APPENDIX_CELL_MARGIN = 1.0  # mm left and right

# Lĩnh vực table (Biểu) columns (mm); the 6 mm cells hold the column-loop tags. With eight
# lĩnh vực and the TĐG/TĐ column the name column keeps about 28 mm.
FIELD_COLS = {
    "stt": 9,  # "STT" in bold 10 pt on one line
    "name": 0,  # computed
    "tag_lead": 6,
    "lead": 11,  # "Điểm"
    "tag_lead_end": 6,
    "tag_field": 6,
    "field": 10.5,  # "17,50" and "(11,5)" on one line
    "tag_field_end": 6,
    "total": 13,
    "rank": 10,
    "band": 0,  # computed: the widest word of a band label (band_width_mm)
}

#: The usual band labels: the Phụ lục's Xếp loại column (12 pt) holds the widest one on
#: one line.
BAND_LABELS = ("XUẤT SẮC", "TỐT", "KHÁ", "TRUNG BÌNH", "YẾU", "KÉM", "ĐẠT", "CHƯA ĐẠT")

#: Words of the band labels ("XUẤT SẮC", "TRUNG BÌNH", …): the Biểu's Xếp loại column
#: (10 pt) holds the widest one whole, so a label wraps between its words, never inside.
BAND_WORDS = ("XUẤT", "SẮC", "TỐT", "KHÁ", "TRUNG", "BÌNH", "YẾU", "KÉM", "DƯỚI", "ĐẠT",
              "CHƯA")

DRAFT_BOX = 30  # mm, width of the DỰ THẢO box

FIXED_DATE = datetime(2025, 1, 1)
_TEXT = etree._Element.text


# ---------------------------------------------------------------------------------------
# Small XML helpers
# ---------------------------------------------------------------------------------------


def twips(mm: float) -> int:
    """Return `mm` millimetres in twentieths of a point."""
    return round(mm * 1440 / 25.4)


def el(tag: str, **attrs: str | int) -> OxmlElement:
    """Return a new ``w:`` element with ``w:`` attributes."""
    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), str(value))
    return node


def child(parent, tag: str, **attrs: str | int):
    """Return the first `tag` child of `parent`, creating it in schema order if needed."""
    existing = parent.find(qn(tag))
    if existing is None:
        existing = el(tag, **attrs)
        insert = getattr(parent, f"_insert_{tag.split(':')[1]}", None)
        if insert is not None:
            insert(existing)
        else:
            parent.append(existing)
    else:
        for key, value in attrs.items():
            existing.set(qn(f"w:{key}"), str(value))
    return existing


def border(side: str, val: str = "single", sz: int = 6, space: int = 1) -> OxmlElement:
    """Return a border element (`sz` in eighths of a point)."""
    return el(f"w:{side}", val=val, sz=sz, space=space, color="000000")


def text_width_mm(text: str, size_pt: float, font_file: str) -> float:
    """Return the advance width of `text` at `size_pt` using a bundled Liberation font."""
    font = TTFont(str(FONTS / font_file))
    cmap = font.getBestCmap()
    metrics = font["hmtx"]
    upm = font["head"].unitsPerEm
    units = sum(metrics[cmap[ord(ch)]][0] for ch in unicodedata.normalize("NFC", text))
    return units / upm * size_pt * 25.4 / 72


def band_width_mm(texts: tuple[str, ...], size_pt: float) -> float:
    """A Xếp loại column: the widest of `texts` at `size_pt`, the cell margins and 0,5 mm
    to spare, rounded up to 0,5 mm. A column with no spare lets a label that fits on paper
    wrap in one renderer and not in another (the PDF's line breaker needs the advance
    width plus a hair; "TRUNG BÌNH" at 12 pt in 28 mm took a page more than LibreOffice).

    >>> band_width_mm(BAND_WORDS, 10)  # "TRUNG" 12,1 mm
    15.0
    >>> band_width_mm(BAND_LABELS, 12)  # "TRUNG BÌNH" 26,0 mm
    28.5
    """
    widest = max(text_width_mm(text, size_pt, "LiberationSerif-Regular.ttf") for text in texts)
    needed = widest + 2 * APPENDIX_CELL_MARGIN + 0.5
    return -(-needed * 2 // 1) / 2


# ---------------------------------------------------------------------------------------
# Document skeleton: clean package, styles, page setup, page-number header
# ---------------------------------------------------------------------------------------

KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Template>Normal.dotm</Template><DocSecurity>0</DocSecurity>'
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    b"</Properties>"
)


def new_document(title: str):
    """Return a python-docx Document stripped of the default template's extras."""
    doc = Document()
    package = doc.part.package
    # Drop the thumbnail of an empty page, the custom XML, numbering and the Word 2010
    # duplicate of styles.xml: none of them is used, and they would confuse an editor.
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, RT.NUMBERING) or rel.reltype.endswith(
            "/stylesWithEffects"
        ):
            del doc.part.rels[rel_id]
        elif rel.reltype == RT.FONT_TABLE:
            # Keep only the one font the documents use.
            part = rel.target_part
            fonts = re.search(rb'<w:font w:name="Times New Roman">.*?</w:font>', part.blob, re.S)
            start = part.blob.index(b"<w:font ")
            end = part.blob.index(b"</w:fonts>")
            part._blob = part.blob[:start] + fonts.group(0) + part.blob[end:]
        elif rel.reltype == RT.THEME:
            theme = rel.target_part
            theme._blob = re.sub(
                rb'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"'.encode(),
                theme.blob,
            )

    settings = doc.settings.element
    for rsids in settings.findall(qn("w:rsids")):
        settings.remove(rsids)
    # Word 2013+ layout (compatibility mode 15): a table with no indent starts at the
    # margin; mode 14 shifts it by the cell margin (Nơi nhận, Phụ lục tables).
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")

    props = doc.core_properties
    props.title = title
    props.subject = "Chỉ số cải cách hành chính"
    props.author = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.last_modified_by = ""
    props.revision = 1
    props.language = "vi-VN"
    props.created = FIXED_DATE
    props.modified = FIXED_DATE

    setup_styles(doc)
    setup_page(doc)
    body = doc.element.body
    for node in list(body):
        if node.tag != qn("w:sectPr"):
            body.remove(node)
    return doc


def set_fonts(rpr) -> None:
    """Set Times New Roman for every script slot of a run-properties element."""
    fonts = child(rpr, "w:rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)


def setup_styles(doc) -> None:
    """Replace the default template's styles with the ND30 styles."""
    styles_el = doc.styles.element
    for style in styles_el.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            styles_el.remove(style)

    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for node in list(rpr):
        rpr.remove(node)
    set_fonts(rpr)
    rpr.append(el("w:sz", val=28))
    rpr.append(el("w:szCs", val=28))
    rpr.append(el("w:lang", val="vi-VN", eastAsia="en-US", bidi="ar-SA"))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for node in list(ppr):
        ppr.remove(node)
    ppr.append(el("w:spacing", before=0, after=0, line=240, lineRule="auto"))

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = True

    # name, base, size, bold, italic, alignment, extra paragraph settings
    center = WD_ALIGN_PARAGRAPH.CENTER
    left = WD_ALIGN_PARAGRAPH.LEFT
    specs = [
        # Body text: justified, 1 cm first-line indent, 6 pt before.
        ("Body", "Normal", 14, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY,
         {"first_line": 10, "before": 6, "after": 0, "single": True}),
        ("Can cu", "Body", None, False, True, None, {}),
        ("Dieu", "Body", None, False, False, None, {}),
        ("Heading muc", "Body", None, True, False, None, {"keep_next": True, "outline": 0}),
        ("Heading khoan", "Body", None, True, False, None, {"keep_next": True, "outline": 1}),
        # ND30 Phụ lục I: "a) …" upright and regular, like the body.
        ("Heading diem", "Body", None, False, False, None, {"keep_next": True, "outline": 2}),
        # A draft's note under a section the dossier has no content for.
        ("Nhac bo sung", "Body", None, False, True, None, {}),
        # Header block (ô 1, 2, 3, 4).
        ("Co quan chu quan", "Normal", 13, False, False, center, {}),
        ("Co quan ban hanh", "Normal", 13, True, False, center, {}),
        ("Quoc hieu", "Normal", 13, True, False, center, {}),
        ("Tieu ngu", "Normal", 14, True, False, center, {}),
        ("So ky hieu", "Normal", 13, False, False, center,
         {"before_twips": 120 + round((14 - 13) * ASCENT * 20)}),
        ("Dia danh", "Normal", 14, False, True, center, {"before": 6}),
        # Tên loại, trích yếu and the rest of the title block (ô 5a).
        ("Ten loai", "Normal", 14, True, False, center, {"before": 18, "keep_next": True}),
        ("Trich yeu", "Normal", 14, True, False, center, {"keep_next": True}),
        ("Kem theo", "Normal", 13, False, True, center, {"keep_next": True}),
        ("Tham quyen", "Normal", 14, True, False, center, {"before": 6, "keep_next": True}),
        ("Quyet dinh", "Normal", 14, True, False, center, {"before": 6, "keep_next": True}),
        # Rules: an empty paragraph whose top border is the line.
        ("Gach co quan", "Normal", 6, False, False, center, {"rule": True}),
        ("Gach tieu ngu", "Normal", 6, False, False, center, {"rule": True}),
        ("Gach trich yeu", "Normal", 6, False, False, center, {"rule": True}),
        # Signature block (ô 7a, 7b) and Nơi nhận (ô 9b).
        ("Chuc vu ky", "Normal", 14, True, False, center,
         {"before": 12, "contextual": True, "keep_next": True}),
        ("Ho ten ky", "Normal", 14, True, False, center, {"before": 84}),
        ("Noi nhan label", "Normal", 12, True, True, left,
         {"before_twips": 240 + round((14 - 12) * ASCENT * 20), "keep_next": True}),
        # A wrapped recipient starts under the recipient, not under the dash (hanging
        # indent of "- " at 11 pt: 2.3 mm).
        ("Noi nhan", "Normal", 11, False, False, left, {"hanging_mm": 2.3}),
        # Page number in the header; the DỰ THẢO box.
        ("So trang", "Normal", 14, False, False, center, {}),
        ("Du thao", "Normal", 13, True, False, center, {"box": True}),
        # Phụ lục table.
        ("Ten bang", "Heading khoan", None, False, False, None,
         {"before": 12, "after": 6, "keep_next": True}),
        ("Bang tieu de", "Normal", 12, True, False, center, {"before": 1, "after": 1}),
        ("Bang", "Normal", 12, False, False, center, {"before": 1, "after": 1}),
        ("Bang ten", "Normal", 12, False, False, left, {"before": 1, "after": 1}),
        ("Cuoi", "Normal", 2, False, False, left, {}),
        # Charts of the Báo cáo; lĩnh vực tables of the Phụ lục.
        ("Bieu do", "Normal", 14, False, False, center, {"before": 6, "keep_next": True}),
        ("Chu thich bieu do", "Normal", 13, False, True, center, {"before": 2}),
        ("Bang nho tieu de", "Normal", 10, True, False, center, {"before": 1, "after": 1}),
        ("Bang nho", "Normal", 10, False, False, center, {"before": 1, "after": 1}),
        ("Bang nho ten", "Normal", 10, False, False, left, {"before": 1, "after": 1}),
        ("Bang nho toi da", "Normal", 9, False, True, center, {"after": 1}),
        # A unit's TĐG line keeps with its TĐ line (Word: keep with next, in a table row).
        ("Bang nho giu", "Bang nho", None, False, False, None, {"keep_next": True}),
        ("Bang nho ten giu", "Bang nho ten", None, False, False, None, {"keep_next": True}),
        ("Chu giai", "Normal", 11, False, False, left, {"before": 2, "keep_next": True}),
    ]
    for name, base, size, bold, italic, align, extra in specs:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        style.next_paragraph_style = style
        if size is not None:
            style.font.size = Pt(size)
        if bold:
            style.font.bold = True
        if italic:
            style.font.italic = True
        fmt = style.paragraph_format
        if align is not None:
            fmt.alignment = align
        if "first_line" in extra:
            fmt.first_line_indent = Twips(twips(extra["first_line"]))
        if "hanging_mm" in extra:
            fmt.left_indent = Mm(extra["hanging_mm"])
            fmt.first_line_indent = Mm(-extra["hanging_mm"])
        if "before" in extra:
            fmt.space_before = Pt(extra["before"])
        if "after" in extra:
            fmt.space_after = Pt(extra["after"])
        if "before_twips" in extra:
            fmt.space_before = Twips(extra["before_twips"])
        if extra.get("single"):
            fmt.line_spacing = 1.0
        if extra.get("keep_next"):
            fmt.keep_with_next = True
        ppr = style.element.get_or_add_pPr()
        if extra.get("contextual"):
            # "Don't add space between paragraphs of the same style": only the first
            # signature line gets the 12 pt before it.
            ppr.append(el("w:contextualSpacing"))
            reorder_ppr(ppr)
        if "outline" in extra:  # a heading: Word's navigation pane, the PDF's bookmarks
            ppr.append(el("w:outlineLvl", val=extra["outline"]))
            reorder_ppr(ppr)
        if extra.get("rule"):
            fmt.space_before = Pt(4)
        if extra.get("rule") or extra.get("box"):
            bdr = el("w:pBdr")
            sides = ("top",) if extra.get("rule") else ("top", "left", "bottom", "right")
            for side in sides:
                bdr.append(border(side, space=0 if extra.get("rule") else 1))
            ppr.append(bdr)
            reorder_ppr(ppr)

    label = doc.styles.add_style("Nhan dieu", WD_STYLE_TYPE.CHARACTER)
    label.quick_style = True
    label.font.bold = True


PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
    "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]


def reorder_ppr(ppr) -> None:
    """Put the children of a ``w:pPr`` in schema order (Word rejects other orders)."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(PPR_ORDER)}
    nodes = sorted(ppr, key=lambda n: rank.get(n.tag, len(rank)))
    for node in nodes:
        ppr.remove(node)
        ppr.append(node)


def setup_page(doc) -> None:
    """A4 portrait, ND30 margins, page number centred in the header from page 2 on."""
    section = doc.sections[0]
    section.page_width = Mm(PAGE_W)
    section.page_height = Mm(PAGE_H)
    section.top_margin = Mm(MARGIN_TOP)
    section.bottom_margin = Mm(MARGIN_BOTTOM)
    section.left_margin = Mm(MARGIN_LEFT)
    section.right_margin = Mm(MARGIN_RIGHT)
    section.header_distance = Mm(HEADER_DISTANCE)
    section.footer_distance = Mm(HEADER_DISTANCE)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    for attr in list(sect_pr.attrib):
        del sect_pr.attrib[attr]
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is not None:
        sect_pr.remove(grid)

    # Page 1 has its own, empty header (titlePg): ND30 prints no number on page 1.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    para = header.paragraphs[0]
    para.style = doc.styles["So trang"]
    add_page_field(para)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["So trang"]


def add_page_field(paragraph) -> None:
    """Append a PAGE field (begin, instruction, separator, cached "2", end)."""
    p = paragraph._p
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                       ("text", "2"), ("end", None)):
        run = el("w:r")
        if kind in ("begin", "separate", "end"):
            run.append(el("w:fldChar", fldCharType=kind))
        elif kind == "text":
            t = el("w:t")
            t.text = text
            run.append(t)
        else:
            instr = el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run.append(instr)
        p.append(run)


# ---------------------------------------------------------------------------------------
# Content helpers
# ---------------------------------------------------------------------------------------


def para(container, style: str, *runs: str | tuple[str, str]):
    """Add a paragraph of `style`; each run is text or (text, character style)."""
    p = container.add_paragraph(style=style)
    for run in runs:
        if isinstance(run, tuple):
            p.add_run(run[0], style=run[1])
        else:
            p.add_run(run)
    return p


def rule(container, style: str, length_mm: float, width_mm: float):
    """Add a centred rule of `length_mm` inside a text block `width_mm` wide."""
    p = container.add_paragraph(style=style)
    side = max((width_mm - length_mm) / 2, 0)
    fmt = p.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    return p


def first_para(cell, style: str, text: str = ""):
    """Use the empty paragraph every new cell starts with."""
    p = cell.paragraphs[0]
    p.style = style
    if text:
        p.add_run(text)
    return p


def set_table(table, widths_mm: list[float], indent_mm: float = 0.0,
              borders: bool = False, cell_margin_mm: float | None = None,
              header_rows: int = 0) -> None:
    """Fix a table's grid, widths, indent, borders and cell margins."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for node in list(tbl_pr):
        if node.tag != qn("w:tblStyle"):
            tbl_pr.remove(node)
    tbl_pr.append(el("w:tblW", w=twips(sum(widths_mm)), type="dxa"))
    if indent_mm:
        tbl_pr.append(el("w:tblInd", w=twips(indent_mm), type="dxa"))
    edges = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edges.append(border(side, sz=4, space=0) if borders else el(f"w:{side}", val="nil"))
    tbl_pr.append(edges)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    if cell_margin_mm is not None:
        mar = el("w:tblCellMar")
        mar.append(el("w:left", w=twips(cell_margin_mm), type="dxa"))
        mar.append(el("w:right", w=twips(cell_margin_mm), type="dxa"))
        tbl_pr.append(mar)
    tbl_pr.append(el("w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0,
                     lastColumn=0, noHBand=1, noVBand=1))
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths_mm:
        grid.append(el("w:gridCol", w=twips(width)))
    for r, row in enumerate(tbl.tr_lst):
        tr_pr = row.get_or_add_trPr()
        tr_pr.append(el("w:cantSplit"))
        if r < header_rows:
            tr_pr.append(el("w:tblHeader"))
        col = 0
        for tc in row.tc_lst:
            span = tc.grid_span
            tc_pr = tc.get_or_add_tcPr()
            tc_w = child(tc_pr, "w:tcW")
            tc_w.set(qn("w:w"), str(twips(sum(widths_mm[col:col + span]))))
            tc_w.set(qn("w:type"), "dxa")
            col += span


def valign(cell, where: str) -> None:
    """Set a cell's vertical alignment ("top", "center", "bottom")."""
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(el("w:vAlign", val=where))


def strip_whitespace(doc) -> None:
    """Remove indentation text between elements (left over from the default template)."""
    parts = [doc.element] + [rel.target_part.element for rel in doc.part.rels.values()
                             if rel.reltype in (RT.HEADER, RT.FOOTER)]
    for root in parts:
        for node in root.iter():
            if node.tag in (qn("w:t"), qn("w:instrText")):
                continue
            # python-docx element classes hide lxml's text setter; call it directly.
            if _TEXT.__get__(node) is not None and not _TEXT.__get__(node).strip():
                _TEXT.__set__(node, None)
            if node.tail is not None and not node.tail.strip():
                node.tail = None


# ---------------------------------------------------------------------------------------
# Building blocks shared by the documents
# ---------------------------------------------------------------------------------------


def agency_cell(cell) -> None:
    """Tên cơ quan chủ quản (optional, regular) + tên cơ quan ban hành (bold) + rule."""
    col_text = HEAD_COLS[0] - 2 * HEAD_CELL_MARGIN
    first_para(cell, "Co quan chu quan", "{%p for line in issuer.parent_lines %}")
    para(cell, "Co quan chu quan", "{{ line }}")
    para(cell, "Co quan chu quan", "{%p endfor %}")
    lines(cell, "Co quan ban hanh", "issuer.name_lines")
    rule(cell, "Gach co quan", AGENCY_RULE, col_text)


def national_cell(cell) -> None:
    """Quốc hiệu, tiêu ngữ and a rule as long as the tiêu ngữ."""
    col_text = HEAD_COLS[1] - 2 * HEAD_CELL_MARGIN
    first_para(cell, "Quoc hieu", QUOC_HIEU)
    para(cell, "Tieu ngu", TIEU_NGU)
    length = text_width_mm(TIEU_NGU, 14, "LiberationSerif-Bold.ttf")
    rule(cell, "Gach tieu ngu", round(length, 1), col_text)


def header_table(doc, with_number_row: bool) -> None:
    """The two-column borderless header; the QĐ adds the Số | địa danh, ngày row."""
    rows = 2 if with_number_row else 1
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    left, right = table.rows[0].cells
    agency_cell(left)
    national_cell(right)
    if with_number_row:
        number, date = table.rows[1].cells
        first_para(number, "So ky hieu", "{{ decision.number_line }}")
        first_para(date, "Dia danh", "{{ decision.place_date }}")
    overhang = sum(HEAD_COLS) - TEXT_W
    set_table(table, list(HEAD_COLS), indent_mm=-overhang / 2 + HEAD_CELL_MARGIN,
              cell_margin_mm=HEAD_CELL_MARGIN)
    for row in table.rows:
        for cell in row.cells:
            valign(cell, "top")


def lines(container, style: str, key: str, item: str = "line") -> None:
    """One paragraph of `style` per string in the list `key` (loop variable `item`)."""
    para(container, style, f"{{%p for {item} in {key} %}}")
    para(container, style, f"{{{{ {item} }}}}")
    para(container, style, "{%p endfor %}")


def narrative(doc, key: str) -> None:
    """Staff-written entries (headings, lettered points, body) as one line: the filter
    writes a paragraph per entry in the styles Heading khoan, Heading diem and Body."""
    para(doc, "Body", f"{{{{p {key}|paragraphs }}}}")


#: The sections of the Báo cáo the dossier may leave empty (context ``report.sections``).
OPTIONAL_SECTIONS = ("implementation", "assessment", "direction")


def section(doc, key: str, title: str) -> None:
    """A section heading numbered by the context. An optional section opens an ``if`` that
    the caller closes after its content: an empty one is left out of an issued report (the
    next ones move up) and shows its note in a draft."""
    number = f"{{{{ report.sections.{key}.number }}}}"
    if key not in OPTIONAL_SECTIONS:
        para(doc, "Heading muc", f"{number}. {title}")
        return
    para(doc, "Body", f"{{%p if report.sections.{key}.shown %}}")
    para(doc, "Heading muc", f"{number}. {title}")


def chart(doc, key: str) -> None:
    """A chart of the context (a PNG drawn at render time) and its numbered caption."""
    para(doc, "Bieu do", f"{{{{ chart_image({key}) }}}}")
    para(doc, "Chu thich bieu do", f"Biểu đồ {{{{ {key}.number }}}}. {{{{ {key}.caption }}}}")


def draft_mark(doc) -> None:
    """A boxed DỰ THẢO at the top right of page 1, in the first-page header (which has
    no page number), so it takes no room from the text; only when drafting."""
    header = doc.sections[0].first_page_header
    box = header.paragraphs[0]
    box.style = "Normal"
    box.add_run("{%p if draft %}")
    p = para(header, "Du thao", "DỰ THẢO")
    p.paragraph_format.left_indent = Mm(TEXT_W - DRAFT_BOX)
    para(header, "Normal", "{%p endif %}")
    para(header, "Cuoi")  # a header needs one paragraph even when there is no mark


# ---------------------------------------------------------------------------------------
# The three documents
# ---------------------------------------------------------------------------------------


def build_quyet_dinh():
    """Return the Quyết định template."""
    doc = new_document("Quyết định công bố Chỉ số cải cách hành chính")
    draft_mark(doc)
    header_table(doc, with_number_row=True)

    para(doc, "Ten loai", "QUYẾT ĐỊNH")
    lines(doc, "Trich yeu", "decision.title_lines")
    rule(doc, "Gach trich yeu", TITLE_RULE, TEXT_W)
    para(doc, "Tham quyen", "{{ issuer.authority }}")

    lines(doc, "Can cu", "decision.bases", "basis")
    para(doc, "Can cu", "{%p if decision.proposal %}")
    para(doc, "Can cu", "{{ decision.proposal }}")
    para(doc, "Can cu", "{%p endif %}")

    para(doc, "Quyet dinh", "QUYẾT ĐỊNH:")
    para(doc, "Dieu", "{%p if decision.articles %}")
    para(doc, "Dieu", "{%p for a in decision.articles %}")
    para(doc, "Dieu", "{%p if loop.last %}")
    # The last Điều keeps with the signature block and Nơi nhận that follow it, so a
    # shorter căn cứ list can never leave them alone on the next page.
    para(doc, "Dieu", ("{{ a.label }}", "Nhan dieu"),
         " {{ a.text }}").paragraph_format.keep_with_next = True
    para(doc, "Dieu", "{%p else %}")
    para(doc, "Dieu", ("{{ a.label }}", "Nhan dieu"), " {{ a.text }}")
    para(doc, "Dieu", "{%p endif %}")
    para(doc, "Dieu", "{%p endfor %}")
    para(doc, "Dieu", "{%p else %}")
    para(doc, "Dieu", ("Điều 1.", "Nhan dieu"),
         " Công bố Chỉ số cải cách hành chính năm {{ year }} của {{ subject }} "
         "(có {{ decision.attachments_phrase }} kèm theo).")
    para(doc, "Dieu", ("Điều 2.", "Nhan dieu"),
         " Căn cứ Chỉ số cải cách hành chính năm {{ year }}, {{ subject }} quán triệt, "
         "rút kinh nghiệm, có các giải pháp để đẩy mạnh cải cách hành chính, cải thiện "
         "Chỉ số cải cách hành chính trong những năm tiếp theo.")
    last = para(doc, "Dieu", ("Điều 3.", "Nhan dieu"),
                " {{ decision.executors }} chịu trách nhiệm thi hành Quyết định này./.")
    # The last Điều keeps with the signature block and Nơi nhận that follow it.
    last.paragraph_format.keep_with_next = True
    para(doc, "Dieu", "{%p endif %}")

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    first_para(left, "Noi nhan label", "Nơi nhận:")
    lines(left, "Noi nhan", "decision.recipients", "r")
    first_para(right, "Chuc vu ky", "{%p for line in decision.signature.lines %}")
    para(right, "Chuc vu ky", "{{ line }}")
    para(right, "Chuc vu ky", "{%p endfor %}")
    para(right, "Ho ten ky", "{{ decision.signature.name }}")
    # Indent by the cell margin (0.19 cm) so that "Nơi nhận:" starts at the text margin.
    set_table(table, list(SIGN_COLS), indent_mm=-1.905)
    for cell in (left, right):
        valign(cell, "top")
    return doc


def build_bao_cao():
    """Return the Báo cáo template (sections I–V, wording shared with the HTML one)."""
    doc = new_document("Báo cáo kết quả xác định Chỉ số cải cách hành chính")
    draft_mark(doc)
    header_table(doc, with_number_row=False)

    para(doc, "Ten loai", "BÁO CÁO")
    lines(doc, "Trich yeu", "report.title_lines")
    para(doc, "Kem theo", "{{ report.attachment_line }}")
    rule(doc, "Gach trich yeu", TITLE_RULE, TEXT_W)

    # I. Tổng quan
    section(doc, "overview", "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ year }}")
    para(doc, "Heading khoan", "1. Đối tượng đánh giá")
    para(doc, "Body", "{%p for b in blocks %}")
    para(doc, "Body", "- {{ b.description }} (gồm {{ b.size }} đơn vị gọi tắt là "
         "{{ b.short_name }}).")
    para(doc, "Body", "{%p endfor %}")
    para(doc, "Heading khoan",
         "2. Phương pháp xác định Chỉ số cải cách hành chính (CCHC)")
    narrative(doc, "report.method")
    para(doc, "Heading diem", "{{ report.scale_letter }}) Thang điểm xác định Chỉ số CCHC")
    para(doc, "Body", "Tổng điểm là {{ max_total }} điểm{% if components %}, trong đó:{% else %}.{% endif %}")
    para(doc, "Body", "{%p for c in components %}")
    para(doc, "Body", "- {{ c.name }}: {{ c.max }}/{{ max_total }} điểm.")
    para(doc, "Body", "{%p endfor %}")
    para(doc, "Heading diem",
         "{{ report.criteria_letter }}) Bộ tiêu chí xác định Chỉ số CCHC"
         "{% if report.criteria_source %} ({{ report.criteria_source }}){% endif %}")
    para(doc, "Body", "{%p for c in report.criteria %}")
    para(doc, "Body", "Bộ tiêu chí xác định Chỉ số CCHC của {{ c.block_name }} gồm "
         "{{ c.fields }} lĩnh vực, {{ c.criteria }} tiêu chí và {{ c.sub_criteria }} tiêu chí "
         "thành phần.")
    para(doc, "Body", "{%p endfor %}")

    # II. Triển khai
    section(doc, "implementation", "TÌNH HÌNH TRIỂN KHAI XÁC ĐỊNH CHỈ SỐ CCHC NĂM {{ year }}")
    narrative(doc, "report.implementation")
    para(doc, "Body", "{%p if survey %}")
    para(doc, "Heading khoan", "{{ survey.number }}. {{ survey.title }}")
    narrative(doc, "survey.entries")
    para(doc, "Heading diem", "{{ survey.result_letter }}) Kết quả điều tra xã hội học")
    para(doc, "Body", "- Tổng số phiếu thu về là {{ survey.returned }}/{{ survey.issued }} "
         "phiếu, đạt {{ survey.return_rate }} số phiếu phát ra.")
    para(doc, "Body", "- Số phiếu hợp lệ là {{ survey.valid }}/{{ survey.returned }} "
         "phiếu (đạt {{ survey.valid_rate }}).")
    para(doc, "Body", "- Kết quả điều tra:")
    para(doc, "Body", "{%p for sb in survey.blocks %}")
    para(doc, "Body", "+ Đối với {{ sb.name }}: Điểm trung bình {{ sb.average }}/{{ sb.max }} "
         "điểm, có {{ sb.below_ratio }} đơn vị có điểm đạt được thấp hơn điểm trung bình.")
    para(doc, "Body", "{%p endfor %}")
    para(doc, "Body", "{%p endif %}")
    para(doc, "Body", "{%p endif %}")  # the section

    # III. Kết quả
    section(doc, "results", "KẾT QUẢ CHỈ SỐ CCHC NĂM {{ year }}")
    narrative(doc, "report.results_intro")
    para(doc, "Body", "Kết quả Chỉ số CCHC của {{ subject }} năm {{ year }} được xếp hạng, "
         "xếp loại như sau:")
    # The clauses on last year's figures (", giảm 5,22 điểm so với năm 2022", "; trong đó
    # …") come ready from the context (docgen.context.analytics), one placeholder each.
    para(doc, "Body", "{%p for b in blocks %}")
    para(doc, "Heading khoan", "{{ b.number }}. Đối với {{ b.name }}")
    para(doc, "Body", "{%p if b.letters.general %}")
    para(doc, "Heading diem", "{{ b.letters.general }}) Kết quả chung")
    para(doc, "Body", "{%p endif %}")
    para(doc, "Body", "Tổng điểm trung bình của {{ b.subject }} đạt: "
         "{{ b.average }}/{{ max_total }} điểm{{ b.average_change_text }}, cụ thể như sau "
         "(Biểu số {{ b.table_number }}, Biểu đồ {{ b.charts.ranking.number }}):")
    para(doc, "Body", "{%p for band in b.bands %}")
    para(doc, "Body", "- {{ band.name }} tương ứng với kết quả Chỉ số CCHC đạt "
         "{{ band.range }}: {% if band.empty %}không có đơn vị nào{{ band.change_text }}"
         "{% else %}có {{ band.ratio }} đơn vị chiếm tỷ lệ {{ band.share }}"
         "{{ band.change_text }} ({{ band.names }}){% endif %}.")
    para(doc, "Body", "{%p endfor %}")
    para(doc, "Body", "- Đơn vị đạt điểm cao nhất: {{ b.highest.names }} "
         "({{ b.highest.total }}/{{ max_total }} điểm); đơn vị đạt điểm thấp nhất: "
         "{{ b.lowest.names }} ({{ b.lowest.total }}/{{ max_total }} điểm); khoảng cách "
         "giữa điểm cao nhất và thấp nhất là {{ b.gap }} điểm{{ b.gap_change_text }}; có "
         "{{ b.below_average_ratio }} đơn vị đạt điểm thấp hơn điểm trung bình.")
    chart(doc, "b.charts.ranking")

    para(doc, "Body", "{%p if b.comparison %}")
    para(doc, "Heading diem",
         "{{ b.letters.compare }}) So sánh với năm {{ b.comparison.previous_year }}")
    para(doc, "Body", "So sánh được {{ b.comparison.matched }} đơn vị có kết quả cả hai năm"
         "{% if b.charts.compare %} (Biểu đồ {{ b.charts.compare.number }}){% endif %}."
         "{% if b.comparison.new.any %} Có {{ b.comparison.new.count }} đơn vị lần đầu được "
         "đánh giá năm {{ year }}, không so sánh với năm {{ b.comparison.previous_year }}: "
         "{{ b.comparison.new.names }}.{% endif %}{% if b.comparison.removed.any %} Có "
         "{{ b.comparison.removed.count }} đơn vị được đánh giá năm "
         "{{ b.comparison.previous_year }} nhưng không còn trong {{ b.name }} năm {{ year }}: "
         "{{ b.comparison.removed.names }}.{% endif %}")
    # One line per kind of move: tăng/giảm điểm, tăng/giữ/giảm bậc.
    para(doc, "Body", "{%p for m in b.comparison.moves %}")
    para(doc, "Body", "- {% if m.any %}Có {{ m.count }} đơn vị {{ m.verb }} so với năm "
         "{{ b.comparison.previous_year }}: {{ m.names }}{{ m.detail }}{% else %}Không có "
         "đơn vị nào {{ m.verb }} so với năm {{ b.comparison.previous_year }}{% endif %}.")
    para(doc, "Body", "{%p endfor %}")
    para(doc, "Body", "{%p if b.charts.compare %}")
    chart(doc, "b.charts.compare")
    para(doc, "Body", "{%p endif %}")
    para(doc, "Body", "{%p endif %}")

    para(doc, "Body", "{%p if b.field_stats %}")
    para(doc, "Heading diem", "{{ b.letters.fields }}) Kết quả theo lĩnh vực")
    para(doc, "Body", "Điểm trung bình, đơn vị đạt điểm cao nhất và thấp nhất của từng "
         "lĩnh vực (Biểu số {{ b.field_table.number }}, Biểu đồ "
         "{{ b.charts.fields.number }}):")
    para(doc, "Body", "{%p for f in b.field_stats %}")
    para(doc, "Body", "- {{ f.name }}: điểm trung bình đạt {{ f.average }}/{{ f.max }} điểm "
         "({{ f.percent }} điểm tối đa{% if f.self_average %}; tự đánh giá trung bình "
         "{{ f.self_average }} điểm{% endif %}); {% if f.best_tied %}các đơn vị{% else %}"
         "đơn vị{% endif %} đạt điểm cao nhất: {{ f.best_names }} ({{ f.best_score }} "
         "điểm); {% if f.worst_tied %}các đơn vị{% else %}đơn vị{% endif %} đạt điểm thấp "
         "nhất: {{ f.worst_names }} ({{ f.worst_score }} điểm).")
    para(doc, "Body", "{%p endfor %}")
    chart(doc, "b.charts.fields")
    para(doc, "Body", "{%p endif %}")
    para(doc, "Body", "{%p endfor %}")

    # IV, V
    section(doc, "assessment", "NHẬN XÉT, ĐÁNH GIÁ")
    narrative(doc, "report.assessment")
    para(doc, "Body", "{%p endif %}")
    section(doc, "direction", "PHƯƠNG HƯỚNG THỜI GIAN TỚI")
    narrative(doc, "report.direction")
    para(doc, "Body", "{%p endif %}")
    return doc


def build_phu_luc():
    """Return the Phụ lục template: title block and one ranking table per khối."""
    doc = new_document("Phụ lục kết quả Chỉ số cải cách hành chính")
    draft_mark(doc)
    para(doc, "Ten loai", "Phụ lục")
    lines(doc, "Trich yeu", "appendix.title_lines")
    para(doc, "Kem theo", "{{ appendix.attachment_line }}")
    rule(doc, "Gach trich yeu", TITLE_RULE, TEXT_W)

    para(doc, "Ten bang", "{%p for b in blocks %}")
    para(doc, "Ten bang", "Biểu số {{ b.table_number }}. Kết quả xếp hạng {{ b.name }}")

    cols = dict(APPENDIX_COLS)
    cols["band"] = band_width_mm(BAND_LABELS, 12)
    cols["name"] = TEXT_W - sum(cols.values())
    widths = [cols[k] for k in ("stt", "name", "tag_for", "component", "tag_end",
                                "total", "rank", "band")]
    table = doc.add_table(rows=4, cols=len(widths))
    header, loop_start, data, loop_end = table.rows
    head_cells = header.cells
    first_para(head_cells[0], "Bang tieu de", "STT")
    first_para(head_cells[1], "Bang tieu de", "Tên đơn vị")
    first_para(head_cells[2], "Bang tieu de", "{%tc for n in b.component_names %}")
    first_para(head_cells[3], "Bang tieu de", "{{ n }}")
    para(head_cells[3], "Bang tieu de", "(tối đa {{ b.component_maxes[loop.index0] }} điểm)")
    first_para(head_cells[4], "Bang tieu de", "{%tc endfor %}")
    first_para(head_cells[5], "Bang tieu de", "Tổng điểm")
    first_para(head_cells[6], "Bang tieu de", "Xếp hạng")
    first_para(head_cells[7], "Bang tieu de", "Xếp loại")

    start = loop_start.cells[0].merge(loop_start.cells[-1])
    first_para(start, "Bang ten", "{%tr for u in b.units %}")
    cells = data.cells
    first_para(cells[0], "Bang", "{{ u.index }}")
    first_para(cells[1], "Bang ten", "{{ u.name }}")
    first_para(cells[2], "Bang", "{%tc for c in u.components %}")
    first_para(cells[3], "Bang", "{{ c }}")
    first_para(cells[4], "Bang", "{%tc endfor %}")
    first_para(cells[5], "Bang", "{{ u.total }}")
    first_para(cells[6], "Bang", "{{ u.rank }}")
    first_para(cells[7], "Bang", "{{ u.band }}")
    end = loop_end.cells[0].merge(loop_end.cells[-1])
    first_para(end, "Bang ten", "{%tr endfor %}")

    set_table(table, widths, borders=True, header_rows=1,
              cell_margin_mm=APPENDIX_CELL_MARGIN)
    for cell in header.cells + data.cells:
        valign(cell, "center")

    field_table(doc)
    para(doc, "Ten bang", "{%p endfor %}")
    # A body must not end with a table; this tiny paragraph closes it.
    para(doc, "Cuoi")
    return doc


def vertical_merge(cell, value: str) -> None:
    """Make `cell` the first ("restart") or a later ("continue") cell of a vertical merge."""
    tc_pr = cell._tc.get_or_add_tcPr()
    node = el("w:vMerge", val=value) if value == "restart" else el("w:vMerge")
    tc_pr.append(node)
    # schema order: tcW, gridSpan, vMerge, …, vAlign
    width = tc_pr.find(qn("w:tcW"))
    if width is not None:
        width.addnext(node)


def keep_last_line(cell, text: str) -> None:
    """A cell's paragraph of a Biểu line: on the averages' last line it keeps with
    the next paragraph (Word keeps such a row with what follows), so the notes under the
    table never start a page alone. Two variants chosen by ``r.average`` (a Jinja choice
    inside the style attribute would not survive a LibreOffice save)."""
    first = cell.paragraphs[0]
    first.text = ""
    first.add_run("{%p if r.average %}")
    para(cell, "Bang nho giu", text)
    para(cell, "Bang nho", "{%p else %}")
    para(cell, "Bang nho", text)
    para(cell, "Bang nho", "{%p endif %}")


def field_table(doc) -> None:
    """The Biểu of a block's lĩnh vực scores: a TĐG and a TĐ line per unit when the dossier
    has self-assessment (the "Điểm" column, a column loop over ``t.lead``), one column per
    lĩnh vực (a column loop), total, rank and band; the "Trung bình" lines last.

    A unit's two lines share one STT, name, rank and band cell (``w:vMerge``): three row
    variants chosen by ``{%tr if %}`` — the TĐG line starts the merges and keeps with the
    next row, the TĐ line after it continues them, a lone TĐ line (no self-assessment) has
    them all. (A Jinja choice inside ``w:vMerge`` would be shorter, but LibreOffice drops
    the whole table when it saves a file with one.)"""
    para(doc, "Ten bang", "{%p set t = b.field_table %}")
    para(doc, "Ten bang", "{%p if t %}")
    para(doc, "Ten bang", "Biểu số {{ t.number }}. Điểm các lĩnh vực của {{ b.name }}")
    cols = dict(FIELD_COLS)
    cols["band"] = band_width_mm(BAND_WORDS, 10)
    cols["name"] = TEXT_W - sum(cols.values())
    order = ("stt", "name", "tag_lead", "lead", "tag_lead_end", "tag_field", "field",
             "tag_field_end", "total", "rank", "band")
    widths = [cols[k] for k in order]
    tags = ("{%tr for r in t.rows %}", "{%tr if r.kind == 'self' %}",
            "{%tr elif t.has_self %}", "{%tr else %}", "{%tr endif %}", "{%tr endfor %}")
    table = doc.add_table(rows=1 + len(tags) + 3, cols=len(widths))
    rows = list(table.rows)
    header = rows[0]
    tag_rows = [rows[1], rows[2], rows[4], rows[6], rows[8], rows[9]]
    first_line, second_line, lone_line = rows[3], rows[5], rows[7]
    head = [
        "STT", "Tên đơn vị", "{%tc for _ in t.lead %}", "Điểm", "{%tc endfor %}",
        "{%tc for f in t.fields %}", "{{ f.code }}", "{%tc endfor %}",
        "Tổng điểm", "Xếp hạng", "Xếp loại",
    ]
    for cell, text in zip(header.cells, head, strict=True):
        first_para(cell, "Bang nho tieu de", text)
    para(header.cells[6], "Bang nho toi da", "({{ f.max }})")
    for row, tag in zip(tag_rows, tags, strict=True):
        first_para(row.cells[0].merge(row.cells[-1]), "Bang nho ten", tag)
    name = ("{% if r.average %}{% if r.first %}Trung bình{% endif %}{% else %}"
            "{{ r.name }}{% endif %}")
    line = [
        ("Bang nho", "{{ r.index }}"),
        ("Bang nho ten", name),
        ("Bang nho", "{%tc for _ in t.lead %}"),
        ("Bang nho", "{% if r.kind == 'self' %}TĐG{% else %}TĐ{% endif %}"),
        ("Bang nho", "{%tc endfor %}"),
        ("Bang nho", "{%tc for v in r.scores %}"),
        ("Bang nho", "{{ v }}"),
        ("Bang nho", "{%tc endfor %}"),
        ("Bang nho", "{{ r.total }}"),
        ("Bang nho", "{{ r.rank }}"),
        ("Bang nho", "{{ r.band }}"),
    ]
    merged = (0, 1, 9, 10)  # STT, name, rank, band
    for row in (first_line, second_line, lone_line):
        for index, (cell, (style, text)) in enumerate(zip(row.cells, line, strict=True)):
            if row is second_line and index in merged:
                first_para(cell, style)
            elif row is first_line and index == 0:
                first_para(cell, "Bang nho giu", text)  # keeps with its TĐ line
            else:
                first_para(cell, style, text)
    # The table's last line keeps with the notes under it (its total cell: the STT cell
    # of a TĐ line is merged into the line above).
    for row in (second_line, lone_line):
        keep_last_line(row.cells[8], "{{ r.total }}")
    set_table(table, widths, borders=True, header_rows=1, cell_margin_mm=APPENDIX_CELL_MARGIN)
    for cell in header.cells + first_line.cells + second_line.cells + lone_line.cells:
        valign(cell, "center")
    starts, continues = first_line.cells, second_line.cells  # before any merge is set
    for index in merged:
        vertical_merge(starts[index], "restart")
        vertical_merge(continues[index], "continue")
    para(doc, "Chu giai", "{%p if t.has_self %}")
    para(doc, "Chu giai", "TĐG: điểm tự đánh giá; TĐ: điểm thẩm định.")
    para(doc, "Chu giai", "{%p endif %}")
    # The notes keep together (each with the next), the last one ends the chain.
    para(doc, "Chu giai", "{%p for f in t.fields %}")
    para(doc, "Chu giai", "{%p if loop.last %}")
    para(doc, "Chu giai", "{{ f.code }}: {{ f.name }} (tối đa {{ f.max }} điểm)."
         ).paragraph_format.keep_with_next = False
    para(doc, "Chu giai", "{%p else %}")
    para(doc, "Chu giai", "{{ f.code }}: {{ f.name }} (tối đa {{ f.max }} điểm).")
    para(doc, "Chu giai", "{%p endif %}")
    para(doc, "Chu giai", "{%p endfor %}")
    para(doc, "Ten bang", "{%p endif %}")


# ---------------------------------------------------------------------------------------
# Deterministic save
# ---------------------------------------------------------------------------------------


def save(doc, path: Path) -> None:
    """Save `doc` to `path` as a zip with fixed dates, order and attributes (the renderer's
    own deterministic zip)."""
    strip_whitespace(doc)
    raw = io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(raw) as zin:
        entries = {info.filename: zin.read(info) for info in zin.infolist()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deterministic_zip(entries))


def main() -> int:
    """Build the three templates into ``templates/``."""
    targets = {
        TEMPLATES / "quyet_dinh" / "quyet_dinh.docx": build_quyet_dinh,
        TEMPLATES / "bao_cao" / "bao_cao.docx": build_bao_cao,
        TEMPLATES / "bao_cao" / "phu_luc.docx": build_phu_luc,
    }
    for path, build in targets.items():
        save(build(), path)
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

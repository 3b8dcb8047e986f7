"""Word documents (.docx) in the layout of an official document (公文, GB/T
9704): a red-free plain version of 发文机关, document number, title, addressee,
body paragraphs, tables and the signature block, built with python-docx.

python-docx writes the package (content types, relationships, the styles,
settings, font table and numbering parts Word and WPS expect); this module
sets what makes it a 公文: A4 with the standard's margins, and named paragraph
styles (公文标题, 发文字号, 正文, 一级标题, 表格) whose fonts carry the East Asian
attribute (方正小标宋简体 title, 仿宋_GB2312 body, 黑体 headings), so the sizes
and fonts are the document's styles, not repeated on every run.

Text always goes into ``w:t`` runs through python-docx, which escapes it:
markup-like text stays text, and nothing a user typed can become a field
(Word's formulas live in ``w:fldSimple``/``w:instrText``, which this writer
never emits). Characters XML 1.0 forbids are dropped."""
import io
import re

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704 sizes: 二号 22pt (title), 三号 16pt (body), 四号-ish 12pt in tables; 28pt fixed lines.
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(12)
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
LINE, TABLE_LINE = Pt(28), Pt(20)
# A4; margins of GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 x 225 mm).
PAGE = {"page_width": Mm(210), "page_height": Mm(297), "top_margin": Mm(37), "bottom_margin": Mm(35),
        "left_margin": Mm(28), "right_margin": Mm(26), "header_distance": Mm(15), "footer_distance": Mm(28)}


_CENTER, _RIGHT, _JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY
# The document's paragraph styles: id -> (name shown in Word/WPS, format). Not named 正文 or 标题, which
# are the Chinese names of Word's own Normal and Title styles.
STYLES = {
    "GwIssuer": ("公文发文机关", {"font": TITLE_FONT, "size": TITLE_SIZE, "bold": True, "align": _CENTER}),
    "GwNumber": ("公文发文字号", {"align": _CENTER, "space_after": 12}),
    "GwTitle": ("公文标题", {"font": TITLE_FONT, "size": TITLE_SIZE, "align": _CENTER, "space_after": 12}),
    "GwAddressee": ("公文主送机关", {}),
    "GwBody": ("公文正文", {"indent": True, "align": _JUSTIFY}),
    "GwHeading": ("公文一级标题", {"font": HEADING_FONT, "indent": True}),
    "GwSignature": ("公文落款", {"align": _RIGHT}),
    "GwCell": ("公文表格", {"size": TABLE_SIZE, "line": TABLE_LINE}),
    "GwHeaderCell": ("公文表头", {"size": TABLE_SIZE, "bold": True, "align": _CENTER, "line": TABLE_LINE}),
}


def _clean(value):
    return _ILLEGAL.sub("", "" if value is None else str(value))


def _set_fonts(rpr, font):
    """Every script's font of the run properties ``rpr`` to ``font``: ascii,
    hAnsi, East Asian and complex script, with no theme font left to override
    them (a theme attribute wins over the named one in the same element)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # rFonts comes first in w:rPr
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), font)
    fonts.set(qn("w:hint"), "eastAsia")  # “” and ： take the Chinese font


def _style(styles, style_id, name, *, font=BODY_FONT, size=BODY_SIZE, bold=False, align=None, indent=False, space_after=0,
           line=None):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id  # ASCII ids; the names are what Word and WPS show
    style.base_style = styles["Normal"]
    style.quick_style = True
    _set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size, style.font.bold = size, bold
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(space_after)
    if line is not None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    if indent:  # 首行缩进两字, in characters so it follows the font size
        fmt.first_line_indent = size * 2
        style.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    return style


def _new_document(title_text):
    document = docx.Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):  # the template's thumbnail would show a stranger's page
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    core = document.core_properties
    core.title, core.author, core.comments, core.last_modified_by = _clean(title_text), "", "", ""
    core.language = "zh-CN"
    section = document.sections[0]
    for name, value in PAGE.items():
        setattr(section, name, value)
    styles = document.styles
    # The defaults every style inherits: body font and size, zh-CN, fixed 28pt lines, no space after.
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault"))
    _set_fonts(default_rpr.find(qn("w:rPr")), BODY_FONT)
    lang = default_rpr.find(qn("w:rPr")).find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    for style_id, (name, options) in STYLES.items():
        _style(styles, style_id, name, **options)
    return document


def _write(paragraph, text, style_id):
    # The style by id: python-docx's name look-up walks every style, per paragraph.
    paragraph._p.style = style_id
    paragraph.add_run(_clean(text))  # "\n" becomes a line break, "\t" a tab


class Document:
    """An official document, built block by block; ``bytes()`` is the .docx."""

    def __init__(self, *, title_text=""):
        self.title_text = title_text
        self._document = _new_document(title_text)

    def _add(self, text, style_id):
        _write(self._document.add_paragraph(), text, style_id)

    def issuer(self, text):
        """发文机关 above the document number."""
        self._add(text, "GwIssuer")

    def number(self, text):
        """发文字号, e.g. 湘人代工〔2026〕5号."""
        self._add(text, "GwNumber")

    def title(self, text):
        self._add(text, "GwTitle")

    def addressee(self, text):
        """主送机关, flush left and followed by a full-width colon."""
        self._add(f"{_clean(text)}：", "GwAddressee")

    def paragraph(self, text):
        self._add(text, "GwBody")

    def heading(self, text):
        """一级标题 (黑体)."""
        self._add(text, "GwHeading")

    def signature(self, issuer, date_text):
        self._add("", "GwBody")
        self._add(issuer, "GwSignature")
        self._add(date_text, "GwSignature")

    def table(self, header, rows):
        table = self._document.add_table(rows=0, cols=len(header), style="Table Grid")
        width = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one, "auto": the full type area instead
        width.set(qn("w:type"), "pct")
        width.set(qn("w:w"), "5000")

        def add_row(cells, style):
            row = table.add_row()
            for cell, text in zip(row.cells, cells):
                _write(cell.paragraphs[0], text, style)
            return row

        header_row = add_row(header, "GwHeaderCell")
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
        for cells in rows:
            add_row(cells, "GwCell")
        self._add("", "GwBody")

    def bytes(self):
        buffer = io.BytesIO()
        self._document.save(buffer)
        return buffer.getvalue()

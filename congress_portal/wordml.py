"""Word documents (.docx) in the layout of an official document (公文): a
red-free plain version of 发文机关, title, document number, addressee, body
paragraphs, tables and the signature block, written directly as
WordprocessingML (the parts of a .docx, zipped), as ``notifications/excel.py``
writes SpreadsheetML. The documents are a few paragraphs and one or two tables,
so a library buys little; with python-docx installed a template could replace
``Document`` without changing its callers (they only add blocks to it).

Text is always XML-escaped and put in ``w:t`` runs: markup-like text stays
text, and nothing a user typed can become a field (Word's formulas live in
``w:fldSimple``/``w:instrText``, which this writer never emits). Characters
XML 1.0 forbids are dropped."""
import io
import re
import zipfile
from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704 sizes in half-points: 二号 22pt (title), 三号 16pt (body).
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = 44, 32, 24
TITLE_FONT, BODY_FONT = "方正小标宋简体", "仿宋_GB2312"

_STATIC_PARTS = {
    "[Content_Types].xml": _HEAD + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": _HEAD + (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        "</Relationships>"
    ),
    "word/_rels/document.xml.rels": _HEAD + f'<Relationships xmlns="{_PKG_REL}"></Relationships>',
}


def _text(value):
    return escape(_ILLEGAL.sub("", "" if value is None else str(value)))


def _run(text, *, size=BODY_SIZE, bold=False, font=BODY_FONT):
    props = (
        f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}"/>'
        + ("<w:b/>" if bold else "")
        + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    )
    lines = str(text).split("\n")
    parts = []
    for i, line in enumerate(lines):
        if i:
            parts.append("<w:br/>")
        parts.append(f'<w:t xml:space="preserve">{_text(line)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


def _paragraph(text, *, align=None, size=BODY_SIZE, bold=False, font=BODY_FONT, indent=False, space_after=0):
    props = ""
    if align:
        props += f'<w:jc w:val="{align}"/>'
    if indent:  # 首行缩进两字
        props += f'<w:ind w:firstLineChars="200" w:firstLine="{size * 20}"/>'
    props += f'<w:spacing w:after="{space_after}" w:line="560" w:lineRule="exact"/>'
    return f"<w:p><w:pPr>{props}</w:pPr>{_run(text, size=size, bold=bold, font=font)}</w:p>"


class Document:
    """An official document, built block by block; ``bytes()`` is the .docx."""

    def __init__(self, *, title_text=""):
        self.title_text = title_text
        self._blocks = []

    def issuer(self, text):
        """发文机关 above the document number."""
        self._blocks.append(_paragraph(text, align="center", size=TITLE_SIZE, bold=True, font=TITLE_FONT))

    def number(self, text):
        """发文字号, e.g. 湘人代工〔2026〕5号."""
        self._blocks.append(_paragraph(text, align="center", space_after=240))

    def title(self, text):
        self._blocks.append(_paragraph(text, align="center", size=TITLE_SIZE, font=TITLE_FONT, space_after=240))

    def addressee(self, text):
        """主送机关, flush left and followed by a full-width colon."""
        self._blocks.append(_paragraph(f"{text}："))

    def paragraph(self, text):
        self._blocks.append(_paragraph(text, indent=True))

    def heading(self, text):
        """一级标题 (黑体)."""
        self._blocks.append(_paragraph(text, indent=True, font="黑体"))

    def signature(self, issuer, date_text):
        self._blocks.append(_paragraph(""))
        self._blocks.append(_paragraph(issuer, align="right"))
        self._blocks.append(_paragraph(date_text, align="right"))

    def table(self, header, rows):
        border = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )

        def row(cells, bold=False):
            tcs = "".join(
                f"<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>"
                f"{_paragraph(cell, size=TABLE_SIZE, bold=bold, align='center' if bold else None)}</w:tc>"
                for cell in cells
            )
            header_mark = "<w:trPr><w:tblHeader/></w:trPr>" if bold else ""
            return f"<w:tr>{header_mark}{tcs}</w:tr>"

        grid = "".join("<w:gridCol/>" for _ in header)
        self._blocks.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{border}</w:tblBorders></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{row(header, bold=True)}{''.join(row(r) for r in rows)}</w:tbl>"
        )
        self._blocks.append(_paragraph(""))

    def _document_xml(self):
        # A4, margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm) in twips.
        section = (
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>'
            "</w:sectPr>"
        )
        return _HEAD + f'<w:document xmlns:w="{_W}" xmlns:r="{_REL}"><w:body>{"".join(self._blocks)}{section}</w:body></w:document>'

    def _core_xml(self):
        return _HEAD + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{_text(self.title_text)}</dc:title></cp:coreProperties>"
        )

    def bytes(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", _STATIC_PARTS["[Content_Types].xml"])
            archive.writestr("_rels/.rels", _STATIC_PARTS["_rels/.rels"])
            archive.writestr("word/document.xml", self._document_xml())
            archive.writestr("word/_rels/document.xml.rels", _STATIC_PARTS["word/_rels/document.xml.rels"])
            archive.writestr("docProps/core.xml", self._core_xml())
        return buffer.getvalue()

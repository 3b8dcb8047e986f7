"""Reading the generated Word documents back the way an office reader does:
python-docx opens the bytes (``docx.Document``), and the tests read its
paragraphs and table cells, not the XML. ``check_package`` looks at what
python-docx does not: every part declared in [Content_Types].xml, every
relationship pointing at a part that is there, A4 and the GB/T 9704 margins
in the section properties, and no field (Word's formulas) anywhere."""
import io
import posixpath
import zipfile
from xml.etree import ElementTree

import docx
from docx.shared import Mm
from docx.table import Table

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# GB/T 9704: A4 (210 x 297 mm), top 37, bottom 35, left 28, right 26 mm; Word stores twips, so within 0.1 mm.
A4_MARGINS_MM = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}


def check_package(content):
    """Asserts the .docx package is whole; returns the part names."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in types.iter(f"{CT}Default")}
        overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{CT}Override")}
        for name in names - {"[Content_Types].xml"}:
            assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, f"{name} has no content type"
        assert overrides <= names, f"declared but missing: {overrides - names}"
        assert "word/document.xml" in overrides and "word/styles.xml" in overrides
        for rels in (n for n in names if n.endswith(".rels")):
            source_dir = posixpath.dirname(posixpath.dirname(rels))
            for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{PR}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(source_dir, target))
                assert target in names, f"{rels} points at missing {target}"
        body = ElementTree.fromstring(archive.read("word/document.xml"))
        assert not list(body.iter(f"{W}fldSimple")) and not list(body.iter(f"{W}instrText"))
    return names


def open_docx(content):
    """The document as python-docx reads it, after checking the package and the page."""
    check_package(content)
    document = docx.Document(io.BytesIO(content))
    (section,) = document.sections
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    for side, mm in A4_MARGINS_MM.items():
        assert abs(getattr(section, side) - Mm(mm)) < Mm(0.1), side
    return document


def paragraphs(document):
    """The body's paragraph texts (not those in tables), empty ones left out."""
    return [p.text for p in document.paragraphs if p.text]


def tables(document):
    """Each table as rows of cell texts, the header row first."""
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def styled(document, style_name):
    """The texts of the body paragraphs in the style ``style_name`` (公文标题, 公文发文字号…)."""
    return [p.text for p in document.paragraphs if p.style.name == style_name]


def text_of(content):
    """Every paragraph and table cell of the document in reading order, as python-docx reads them."""
    texts = []
    for block in open_docx(content).iter_inner_content():
        if isinstance(block, Table):
            texts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            texts.append(block.text)
    return texts

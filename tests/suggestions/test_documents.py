"""公文 as Word documents: each unit's 交办函 lists exactly its items of the
交办会; the yearly report carries the dashboard's figures; typed text stays
text; the files are valid .docx packages."""
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.wordml import CONTENT_TYPE, Document
from suggestions import documents, services
from suggestions.models import Status
from tests.deputies import factories as df
from tests.suggestions.factories import in_status, submit

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(content):
    """The text of a .docx, paragraph by paragraph (checks it is a valid package)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= names
        ElementTree.fromstring(archive.read("[Content_Types].xml"))
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    assert root.tag == f"{W}document"
    assert not list(root.iter(f"{W}fldSimple")) and not list(root.iter(f"{W}instrText"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def test_markup_and_formula_like_text_stays_text():
    doc = Document(title_text="<b>")
    doc.paragraph('=HYPERLINK("http://x")</w:t><w:fldSimple w:instr="DATE"/> & \x07')
    doc.table(["<th>"], [["+SUM(A1:A2)"]])
    paragraphs = text_of(doc.bytes())
    assert '=HYPERLINK("http://x")</w:t><w:fldSimple w:instr="DATE"/> & ' in paragraphs
    assert "+SUM(A1:A2)" in paragraphs and "<th>" in paragraphs


def test_each_unit_gets_exactly_its_items_of_the_assignment_meeting(actors):
    a, b = df.HandlingUnitFactory(name="省交通运输厅"), df.HandlingUnitFactory(name="省财政厅")
    first, _x, _y = in_status(Status.ASSIGNED, actors, units=[a, b])  # a leads, b co-handles
    second, _x, _y = in_status(Status.ASSIGNED, actors, units=[b, a])  # b leads, a co-handles
    third, _x, _y = in_status(Status.ASSIGNED, actors, units=[b, df.HandlingUnitFactory()])
    today = timezone.localdate()
    letter_a = "\n".join(text_of(documents.assignment_letter(unit=a, held_on=today, doc_number="〔2026〕5号")))
    assert "省交通运输厅：" in letter_a and "〔2026〕5号" in letter_a
    assert first.title in letter_a and second.title in letter_a and first.number_label in letter_a
    assert "2件代表建议" in letter_a and "主办1件" in letter_a and "协办1件" in letter_a
    due = timezone.localtime(first.assignments.get(unit=a).reply_due_at).date()
    assert f"{due.year}年{due.month}月{due.day}日" in letter_a
    letter_b = "\n".join(text_of(documents.assignment_letter(unit=b, held_on=today)))
    assert "3件代表建议" in letter_b and third.title in letter_b
    # No personal data beyond the deputy's name.
    assert actors.deputy.phone not in letter_a and actors.deputy.id_number not in letter_a
    # Another day's meeting lists none of them.
    other_day = "\n".join(text_of(documents.assignment_letter(unit=a, held_on=today.replace(year=today.year - 1))))
    assert first.title not in other_day and "0件代表建议" in other_day


def test_the_yearly_report_has_the_dashboards_figures_and_letters_apart(actors):
    in_status(Status.CLOSED, actors)
    in_status(Status.ASSIGNED, actors)
    submit(actors)
    services.register_letter(actor=actors.staff, deputy=actors.deputy, title="来信", content="内容")
    year = 2025  # the factories' year
    text = "\n".join(text_of(documents.yearly_report(user=actors.staff, year=year)))
    assert "代表共提出建议3件" in text and "经审查交办2件" in text and "已答复1件" in text
    assert "满意率为100.0%" in text
    assert re.search(r"本年度登记\d+件", text)


def test_staff_download_the_documents_and_others_get_404(client, actors):
    unit = df.HandlingUnitFactory()
    in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    today = timezone.localdate().isoformat()
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_documents"), {"date": today}).content.decode()
    assert unit.name in page
    response = client.get(reverse("suggestions:staff_assignment_letter", args=[unit.pk]), {"date": today})
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert any(unit.name in p for p in text_of(response.content))
    report = client.get(reverse("suggestions:staff_yearly_report", args=[2025]))
    assert report.status_code == 200 and text_of(report.content)
    client.force_login(actors.unit_user(unit))
    assert client.get(reverse("suggestions:staff_assignment_letter", args=[unit.pk]), {"date": today}).status_code == 404
    assert client.get(reverse("suggestions:staff_yearly_report", args=[2025])).status_code == 404

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


def test_a_supervision_letter_goes_to_the_lead_unit_with_what_the_visits_found(actors):
    import datetime

    from suggestions.models import Assignment

    lead, co = df.HandlingUnitFactory(name="省水利厅"), df.HandlingUnitFactory(name="省财政厅")
    s, _a, _u = in_status(Status.ASSIGNED, actors, units=[lead, co])
    today = timezone.localdate()
    Assignment.objects.filter(suggestion=s, unit=lead).update(reply_due_at=timezone.now() - datetime.timedelta(days=10))
    services.mark_key_supervision(suggestion=s, actor=actors.staff, supervising_leader="王主任")
    services.record_supervision_visit(
        actor=actors.staff, held_on=today, group_name="第一督办工作组", members="王主任", units=[lead],
        suggestions=[s], findings="工程方案已完成，资金尚未到位。", follow_up="月底前落实资金。", theme="农村饮水",
    )
    act_by = today + datetime.timedelta(days=15)
    text = "\n".join(text_of(documents.supervision_letter(suggestion=s, act_by=act_by, doc_number="〔2026〕9号")))
    assert "省水利厅：" in text and "抄送：省财政厅" in text and "〔2026〕9号" in text
    assert s.number_label in text and s.title in text
    assert re.search(r"现已逾期1[01]天", text)  # ten days, whatever the hour
    assert "工程方案已完成，资金尚未到位。" in text and "月底前落实资金。" in text
    assert f"于{act_by.year}年{act_by.month}月{act_by.day}日前" in text


def test_the_word_progress_notice_says_what_the_emailed_notice_says(actors):
    import datetime

    from suggestions.models import Assignment
    from suggestions.notices.periodic import monthly_notices

    late, on_time = df.HandlingUnitFactory(name="省住建厅"), df.HandlingUnitFactory(name="省教育厅")
    overdue_item, _a, _u = in_status(Status.ASSIGNED, actors, units=[late, df.HandlingUnitFactory()])
    in_status(Status.ASSIGNED, actors, units=[on_time, df.HandlingUnitFactory()])
    Assignment.objects.filter(suggestion=overdue_item, unit=late).update(
        reply_due_at=timezone.now() - datetime.timedelta(days=3)
    )
    overdue_item.reply_due_at = timezone.now() - datetime.timedelta(days=3)
    overdue_item.save(update_fields=["reply_due_at"])
    today = timezone.localdate()
    text = "\n".join(text_of(documents.progress_notice(today=today)))
    emailed = {m.context["unit_name"]: m.context for m in monthly_notices(today=today, force=True) if m.recipient.type == "unit"}
    # Same ranking: the unit with an overdue item comes after the one without.
    assert emailed["省教育厅"]["rank"] < emailed["省住建厅"]["rank"]
    assert text.index("省教育厅") < text.index("省住建厅")
    assert "逾期未答复1件" in text
    late_section = text[text.index("二、逾期未答复的建议"):]
    assert overdue_item.title in late_section and "省住建厅" in late_section


def test_staff_make_a_supervision_letter_from_the_item_and_others_get_404(client, actors):
    unit = df.HandlingUnitFactory()
    s, _a, _u = in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    url = reverse("suggestions:staff_supervision_letter", args=[s.pk])
    client.force_login(actors.staff)
    assert url in client.get(reverse("suggestions:staff_detail", args=[s.pk])).content.decode()
    assert "报送进展的期限" in client.get(url).content.decode()
    response = client.get(url, {"act_by": "2030-01-31", "number": ""})
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    assert any("2030年1月31日" in p for p in text_of(response.content))
    notice = client.get(reverse("suggestions:staff_progress_notice"))
    assert notice.status_code == 200 and text_of(notice.content)
    client.force_login(actors.unit_user(unit))
    assert client.get(url).status_code == 404
    assert client.get(reverse("suggestions:staff_progress_notice")).status_code == 404

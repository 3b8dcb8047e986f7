"""公文 as Word documents, read back with python-docx (``docx_reading``): each
unit's 交办函 lists exactly its items of the 交办会; the yearly report carries
the dashboard's figures and the 进度通报 those of ``monthly_figures``; typed
text stays text; the files are whole .docx packages on A4 with the official
margins, their number line and issuer in place."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.wordml import BODY_FONT, CONTENT_TYPE, TITLE_FONT, Document
from suggestions import doc_templates, documents, selectors, services
from suggestions.letters import selectors as letter_selectors
from suggestions.models import DocumentKind, Status
from tests.deputies import factories as df
from tests.suggestions.docx_reading import check_package, open_docx, paragraphs, styled, tables, text_of
from tests.suggestions.factories import in_status, submit

pytestmark = pytest.mark.django_db


def cn(day):
    return f"{day.year}年{day.month}月{day.day}日"


def test_markup_and_formula_like_text_stays_text():
    typed = '=HYPERLINK("http://x")</w:t><w:p><w:fldSimple w:instr="DATE"/> & {日期} \x07'
    doc = Document(title_text="<b>")
    doc.title("<w:p>{日期}")
    doc.paragraph(typed)
    doc.table(["<th>", "{件数}"], [["+SUM(A1:A2)", "@cmd|' /C calc'!A0"]])
    document = open_docx(doc.bytes())
    assert styled(document, "公文标题") == ["<w:p>{日期}"]
    assert typed.replace("\x07", "") in paragraphs(document)  # the control character XML forbids is dropped
    assert tables(document) == [[["<th>", "{件数}"], ["+SUM(A1:A2)", "@cmd|' /C calc'!A0"]]]
    assert document.core_properties.title == "<b>"


def test_the_package_declares_every_part_and_the_page_is_an_official_a4(actors):
    unit = df.HandlingUnitFactory(name="省交通运输厅")
    in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    content = documents.assignment_letter(
        unit=unit, held_on=timezone.localdate(), doc_number="湘人常代字〔2026〕5号", user=actors.staff
    )
    names = check_package(content)
    assert {"word/styles.xml", "word/settings.xml", "word/fontTable.xml", "docProps/core.xml"} <= names
    assert not any("thumbnail" in name for name in names)
    document = open_docx(content)  # A4 and the GB/T 9704 margins, checked there
    issuer = doc_templates.template_for(congress=doc_templates.congress_for(actors.staff), kind=DocumentKind.ASSIGNMENT_LETTER).issuer
    assert issuer  # the congress's own 发文机关
    assert styled(document, "公文发文机关") == [issuer]
    assert styled(document, "公文发文字号") == ["湘人常代字〔2026〕5号"]
    assert styled(document, "公文主送机关") == ["省交通运输厅："]
    assert styled(document, "公文落款") == [issuer, cn(timezone.localdate())]
    # The fonts are the styles', with the East Asian attribute (theme fonts would override them).
    for name, font in (("公文标题", TITLE_FONT), ("公文正文", BODY_FONT), ("公文表格", BODY_FONT)):
        fonts = document.styles[name].element.rPr.rFonts
        assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "eastAsia", "hAnsi")} == {font}
        assert not any(a.endswith("Theme") or a.endswith("theme") for a in fonts.attrib)
    assert document.styles["公文正文"].font.size.pt == 16 and document.styles["公文标题"].font.size.pt == 22


def test_each_unit_gets_exactly_its_items_of_the_assignment_meeting(actors):
    a, b = df.HandlingUnitFactory(name="省交通运输厅"), df.HandlingUnitFactory(name="省财政厅")
    first, _x, _y = in_status(Status.ASSIGNED, actors, units=[a, b])  # a leads, b co-handles
    second, _x, _y = in_status(Status.ASSIGNED, actors, units=[b, a])  # b leads, a co-handles
    third, _x, _y = in_status(Status.ASSIGNED, actors, units=[b, df.HandlingUnitFactory()])
    today = timezone.localdate()
    content_a = documents.assignment_letter(unit=a, held_on=today, doc_number="〔2026〕5号")
    letter_a = "\n".join(text_of(content_a))
    assert "省交通运输厅：" in letter_a and "〔2026〕5号" in letter_a
    assert "2件代表建议" in letter_a and "主办1件" in letter_a and "协办1件" in letter_a
    # The table lists exactly a's items: number, title, lead deputy, its role, its own deadline.
    (header, *rows), = tables(open_docx(content_a))
    assert header[:6] == ["序号", "建议编号", "建议标题", "领衔代表", "承办类型", "答复期限"]
    expected = []
    for index, (s, role) in enumerate(((first, "主办"), (second, "协办")), 1):
        assignment = s.assignments.get(unit=a)
        due = assignment.reply_due_at or assignment.opinion_due_at
        expected.append([str(index), s.number_label, s.title, s.lead_deputy.name, role, cn(timezone.localtime(due).date())])
    assert sorted(row[:6] for row in rows) == sorted(expected)
    (_header, *rows_b), = tables(open_docx(documents.assignment_letter(unit=b, held_on=today)))
    assert sorted(row[1] for row in rows_b) == sorted(s.number_label for s in (first, second, third))
    letter_b = "\n".join(text_of(documents.assignment_letter(unit=b, held_on=today)))
    assert "3件代表建议" in letter_b and third.title in letter_b
    # No personal data beyond the deputy's name.
    assert actors.deputy.phone not in letter_a and actors.deputy.id_number not in letter_a
    # Another day's meeting lists none of them.
    other_day = documents.assignment_letter(unit=a, held_on=today.replace(year=today.year - 1))
    assert tables(open_docx(other_day))[0][1:] == [] and "0件代表建议" in "\n".join(text_of(other_day))


def test_the_yearly_report_has_the_dashboards_figures_and_letters_apart(actors):
    in_status(Status.CLOSED, actors)
    in_status(Status.ASSIGNED, actors)
    submit(actors)
    services.register_letter(actor=actors.staff, deputy=actors.deputy, title="来信", content="内容")
    year = 2025  # the factories' year
    document = open_docx(documents.yearly_report(user=actors.staff, year=year))
    text = "\n".join(paragraphs(document))
    dashboard = selectors.staff_dashboard(user=actors.staff, year=year)
    f = dashboard["figures"]
    assert (f["submitted"], f["assigned"], f["replied"]) == (3, 2, 1)  # the figures are not all zero
    assert (f"{year}年度，代表共提出建议{f['submitted']}件，经审查交办{f['assigned']}件，其中确定为重点督办{f['key']}件。"
            f"截至目前，已答复{f['replied']}件，超期未答复{f['overdue']}件。") in text
    assert f"代表已测评{f['rated']}件，满意率为{f['satisfaction_rate']}%。" in text and f["rated"] == 1
    results, letters = tables(document)
    assert results[1:] == [[label, str(n)] for label, n in dashboard["charts"]["by_result"]["rows"]] != []
    counted = letter_selectors.counts(year=year, user=actors.staff)
    assert f"本年度登记{counted['total']}件，超期未答复{counted['overdue']}件。" in text
    assert letters[1:] == [[label, str(n)] for label, n in counted["by_status"].items()]
    # Letters are counted by the year they came in: this year's report has the one just registered.
    this_year = timezone.localdate().year
    assert "本年度登记1件" in "\n".join(paragraphs(open_docx(documents.yearly_report(user=actors.staff, year=this_year))))


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
    from suggestions.notices.periodic import monthly_figures, monthly_notices, unit_figure_rows

    late, on_time = df.HandlingUnitFactory(name="省住建厅"), df.HandlingUnitFactory(name="省教育厅")
    overdue_item, _a, _u = in_status(Status.ASSIGNED, actors, units=[late, df.HandlingUnitFactory()])
    in_status(Status.ASSIGNED, actors, units=[on_time, df.HandlingUnitFactory()])
    Assignment.objects.filter(suggestion=overdue_item, unit=late).update(
        reply_due_at=timezone.now() - datetime.timedelta(days=3)
    )
    overdue_item.reply_due_at = timezone.now() - datetime.timedelta(days=3)
    overdue_item.save(update_fields=["reply_due_at"])
    today, now = timezone.localdate(), timezone.now()
    document = open_docx(documents.progress_notice(today=today, now=now))
    text = "\n".join(paragraphs(document))
    emailed = {m.context["unit_name"]: m.context for m in monthly_notices(today=today, force=True) if m.recipient.type == "unit"}
    # Same ranking: the unit with an overdue item comes after the one without.
    assert emailed["省教育厅"]["rank"] < emailed["省住建厅"]["rank"]
    assert "逾期未答复1件" in text
    ranking, late = tables(document)
    # Every unit's row is monthly_figures' row, in its order.
    month = monthly_figures(today=today, now=now)
    assert ranking[0] == ["排名", "承办单位", *[label for label, _v in unit_figure_rows(month["figures"][month["ranked"][0]])]]
    assert ranking[1:] == [
        [str(rank), month["names"][u], *[str(v) for _l, v in unit_figure_rows(month["figures"][u])]]
        for rank, u in enumerate(month["ranked"], 1)
    ]
    names = [row[1] for row in ranking[1:]]
    assert names.index("省教育厅") < names.index("省住建厅")
    by_name = {row[1]: dict(zip(ranking[0], row)) for row in ranking[1:]}
    overdue_label = next(label for label in ranking[0] if "逾期" in label)
    assert by_name["省住建厅"][overdue_label] == "1" and by_name["省教育厅"][overdue_label] == "0"
    assert len(late) == 2 and late[1][:3] == ["省住建厅", overdue_item.number_label, overdue_item.title]
    assert late[1][4] in ("3", "4")  # three days, whatever the hour


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

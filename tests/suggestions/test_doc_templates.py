"""公文模板: each congress's documents take its own title, issuer, document
number prefix and fixed paragraphs; the defaults are the original text (a
county's documents issued by the county's standing committee); unknown
placeholders are refused naming them; formula- and markup-like text typed by
staff or deputies comes out as text; staff edit only their own congress's."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deputies.models import Level
from suggestions import doc_templates, documents, services
from suggestions.models import DocumentKind, DocumentTemplate, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.docx_reading import open_docx, styled, tables, text_of
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db


def held_meeting(actors, unit, title=None):
    suggestion = in_status(Status.REGISTERED, actors)[0]
    if title:
        Suggestion.objects.filter(pk=suggestion.pk).update(title=title)
        suggestion.refresh_from_db()
    meeting = services.prepare_handover_meeting(
        actor=actors.staff, congress=suggestion.congress, title="交办会", planned_on=timezone.localdate()
    )
    services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=suggestion, lead_unit=unit)
    services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    meeting.refresh_from_db()
    return meeting, suggestion


def letter_text(meeting, unit, number=""):
    return "\n".join(text_of(documents.meeting_assignment_letter(meeting=meeting, unit=unit, doc_number=number)))


def test_the_defaults_are_the_original_text_issued_by_the_congress_itself(actors):
    unit = df.HandlingUnitFactory(name="区住房和城乡建设局")
    meeting, suggestion = held_meeting(actors, unit)
    congress = meeting.congress
    congress.level, congress.name = Level.COUNTY, "芙蓉区人民代表大会"
    congress.save()
    text = letter_text(meeting, unit)
    document = open_docx(documents.meeting_assignment_letter(meeting=meeting, unit=unit))
    assert styled(document, "公文标题") == ["关于交办区人大代表建议的函"]
    assert styled(document, "公文发文机关") == ["芙蓉区人民代表大会常务委员会代表工作委员会"]
    assert "省人民代表大会常务委员会" not in text
    held = timezone.localdate()
    assert (f"{held.year}年{held.month}月{held.day}日召开的代表建议交办会议，将1件代表建议交由你单位办理，其中主办1件、分办0件、协办0件。"
            "现将建议目录及答复期限函告如下，请认真研究办理，按期答复代表，并将答复抄送我委。") in text
    assert "协办单位请在期限内将协办意见送主办单位；主办、分办单位答复须经单位负责人签发。" in text
    congress.level, congress.name = Level.TOWNSHIP, "坪上镇人民代表大会"
    congress.save()
    assert "坪上镇人民代表大会主席团" in letter_text(meeting, unit)  # a township congress has a presidium


def test_a_congress_edits_its_own_templates_and_only_its_documents_change(actors):
    unit = df.HandlingUnitFactory(name="省交通运输厅")
    meeting, suggestion = held_meeting(actors, unit)
    services.save_document_template(
        actor=actors.staff, congress=meeting.congress, kind=DocumentKind.ASSIGNMENT_LETTER,
        title="关于交办十四届人大代表建议的函", number_prefix="湘人常代字", issuer="湖南省人大常委会代表工作委员会",
        opening="请{单位}办理{件数}件建议（{日期}交办）。\n第二段：主办{主办件数}件。", closing="特此函告。",
    )
    number = documents.doc_number_for(DocumentKind.ASSIGNMENT_LETTER, sequence=12, year=2026, congress=meeting.congress)
    assert number == "湘人常代字〔2026〕12号"
    text = letter_text(meeting, unit, number)
    held = timezone.localdate()
    assert "关于交办十四届人大代表建议的函" in text and "湘人常代字〔2026〕12号" in text
    assert f"请省交通运输厅办理1件建议（{held.year}年{held.month}月{held.day}日交办）。" in text
    assert "第二段：主办1件。" in text and "特此函告。" in text
    assert text.count("湖南省人大常委会代表工作委员会") == 2  # issuer and signature
    assert "现将建议目录" not in text
    other = doc_templates.template_for(congress=df.CongressFactory(), kind=DocumentKind.ASSIGNMENT_LETTER)
    assert other.pk is None and "现将建议目录" in other.opening and other.number_prefix == ""


def test_the_other_documents_take_their_templates(actors):
    unit, co = df.HandlingUnitFactory(name="省水利厅"), df.HandlingUnitFactory(name="省财政厅")
    s, _a, _u = in_status(Status.ASSIGNED, actors, units=[unit, co])
    congress = s.congress
    for kind, opening in (
        (DocumentKind.SUPERVISION_LETTER, "{代表}代表的《{建议标题}》（{建议编号}）请{单位}于{报送期限}前办结。"),
        (DocumentKind.PROGRESS_NOTICE, "{期间}通报：{单位数}个单位，逾期{逾期件数}件。"),
        (DocumentKind.YEARLY_REPORT, "{年度}年度报告正文。"),
    ):
        services.save_document_template(actor=actors.staff, congress=congress, kind=kind, title=f"模板标题{kind}",
                                        issuer="某县人大常委会", opening=opening, closing="结尾段落。")
    act_by = timezone.localdate() + datetime.timedelta(days=10)
    text = "\n".join(text_of(documents.supervision_letter(suggestion=s, act_by=act_by)))
    assert f"{actors.deputy.name}代表的《{s.title}》（{s.number_label}）请省水利厅于{act_by.year}年{act_by.month}月{act_by.day}日前办结。" in text
    assert "模板标题supervision_letter" in text and "结尾段落。" in text and "抄送：省财政厅" in text
    staff = df.staff_user(congress=congress)
    notice = "\n".join(text_of(documents.progress_notice(user=staff)))
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月通报：" in notice and "某县人大常委会" in notice
    report = "\n".join(text_of(documents.yearly_report(user=staff, year=2025)))
    assert "2025年度报告正文。" in report and "模板标题yearly_report" in report


def test_unknown_placeholders_are_refused_naming_them(actors):
    congress = df.CongressFactory()
    with pytest.raises(ValidationError) as refused:
        services.save_document_template(
            actor=actors.staff, congress=congress, kind=DocumentKind.ASSIGNMENT_LETTER, title="关于{标题}的函",
            issuer="人大常委会", opening="{单位}：{数量}件", closing="",
        )
    errors = refused.value.message_dict
    assert "{标题}" in " ".join(errors["title"]) and "{数量}" in " ".join(errors["opening"])
    assert "{件数}" in " ".join(errors["opening"])  # says which it knows
    with pytest.raises(ValidationError):
        services.save_document_template(actor=actors.staff, congress=congress, kind=DocumentKind.YEARLY_REPORT,
                                        title="报告", issuer="{单位}人大常委会")
    assert not DocumentTemplate.objects.exists()


def test_formula_and_markup_typed_by_staff_or_deputies_stays_text(actors):
    unit = df.HandlingUnitFactory(name="<w:t>单位</w:t>")
    deputy_title = '=HYPERLINK("http://x","点此")<w:fldSimple w:instr="DATE"/>{日期}'
    meeting, suggestion = held_meeting(actors, unit, title=deputy_title)
    services.save_document_template(
        actor=actors.staff, congress=meeting.congress, kind=DocumentKind.ASSIGNMENT_LETTER, title="+SUM(A1:A2)",
        issuer="@cmd|' /C calc'!A0", opening="<script>alert(1)</script>{单位}", closing='</w:t></w:r><w:r><w:instrText>DATE</w:instrText>',
    )
    content = documents.meeting_assignment_letter(meeting=meeting, unit=unit)
    document = open_docx(content)  # also checks no field (fldSimple/instrText) was written
    (_header, row), = tables(document)
    assert row[1:3] == [suggestion.number_label, deputy_title]  # the deputy's {日期} is not filled in
    assert styled(document, "公文标题") == ["+SUM(A1:A2)"] and styled(document, "公文发文机关") == ["@cmd|' /C calc'!A0"]
    assert styled(document, "公文主送机关") == ["<w:t>单位</w:t>："]
    body = styled(document, "公文正文")
    assert "<script>alert(1)</script><w:t>单位</w:t>" in body
    assert '</w:t></w:r><w:r><w:instrText>DATE</w:instrText>' in body


def test_the_pages_edit_only_the_staffs_own_congress(client, actors):
    county = df.CongressFactory(level=Level.COUNTY, name="岳麓区人民代表大会")
    staff = df.staff_user(congress=county)
    client.force_login(staff)
    listing = client.get(reverse("suggestions:staff_templates")).content.decode()
    assert "岳麓区人民代表大会常务委员会代表工作委员会" in listing
    url = reverse("suggestions:staff_template", args=[DocumentKind.ASSIGNMENT_LETTER])
    form = client.get(url).content.decode()
    assert "现将建议目录及答复期限函告如下" in form and "{主办件数}" in form
    refused = client.post(url, {"title": "关于{未知}的函", "issuer": "岳麓区人大常委会", "opening": "", "closing": ""})
    assert refused.status_code == 200 and "{未知}" in refused.content.decode()
    done = client.post(url, {"title": "关于交办区人大代表建议的函", "issuer": "岳麓区人大常委会", "number_prefix": "岳人常代字",
                             "opening": "{单位}：", "closing": ""})
    assert done.status_code == 302
    assert DocumentTemplate.objects.get(congress=county).number_prefix == "岳人常代字"
    other = df.CongressFactory()
    assert client.get(reverse("suggestions:staff_templates"), {"congress": other.pk}).status_code == 404
    assert client.post(url + f"?congress={other.pk}", {"title": "x", "issuer": "y"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.save_document_template(actor=staff, congress=other, kind=DocumentKind.YEARLY_REPORT, title="x", issuer="y")
    client.force_login(actors.unit_user(df.HandlingUnitFactory()))
    assert client.get(reverse("suggestions:staff_templates")).status_code == 404

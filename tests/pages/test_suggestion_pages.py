"""The suggestion pages: role scoping (another role's page or item is a 404),
forms that keep what was typed and show errors beside the field, uploads
limited in size and type, CSRF, public search, and query counts pinned
independent of the number of rows."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from suggestions import services
from suggestions.models import Disclosure, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import category, in_status, result

pytestmark = pytest.mark.django_db


def publish(s, actors, mode=Disclosure.FULL, summary=""):
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=mode, summary=summary)


# ---------------------------------------------------------------- roles and 404


@pytest.mark.parametrize(
    "name,allowed",
    [("my_list", "deputy"), ("create", "deputy"), ("invitations", "deputy"), ("unit_inbox", "unit"), ("unit_figures", "unit"),
     ("staff_dashboard", "staff"), ("staff_review", "staff"), ("staff_list", "staff"), ("staff_export", "staff"), ("staff_followup", "staff")],
)
def test_pages_of_one_role_are_404_to_the_others(client, name, allowed, staff_user, unit_user, deputy_user, keeper_user):
    users = {"staff": staff_user, "unit": unit_user, "deputy": deputy_user, "keeper": keeper_user}
    for role, user in users.items():
        client.force_login(user)
        status = client.get(reverse(f"suggestions:{name}")).status_code
        assert status == (200 if role == allowed else 404), (role, status)
    client.logout()
    assert client.get(reverse(f"suggestions:{name}")).status_code == 302  # to sign-in


def test_another_deputys_or_units_item_is_404(client, actors):
    s, actors, units = in_status(Status.ASSIGNED, actors)
    client.force_login(df.deputy_user())
    assert client.get(reverse("suggestions:my_detail", args=[s.pk])).status_code == 404
    other_unit = df.unit_user()
    client.force_login(other_unit)
    assignment = s.assignments.get(unit=units[0])
    assert client.get(reverse("suggestions:unit_detail", args=[assignment.pk])).status_code == 404
    attachment_url = reverse("suggestions:public_detail", args=[s.pk])
    client.logout()
    assert client.get(attachment_url).status_code == 404  # not published


def test_co_signer_sees_the_item_and_confirms(client, actors):
    s, actors, units = in_status(Status.SUBMITTED, actors)
    client.force_login(actors.cosigner_user)
    assert "确认附议" in client.get(reverse("suggestions:invitations")).content.decode()
    invite = s.cosignatures.get()
    response = client.post(reverse("suggestions:invitations"), {"invitation": invite.pk, "accept": "1"})
    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.state == "confirmed"


# ---------------------------------------------------------------- forms


def test_submit_errors_are_beside_the_fields_and_nothing_typed_is_lost(client, actors):
    client.force_login(actors.deputy_user)
    response = client.post(reverse("suggestions:create"), {"title": "关于加强社区食品安全监管的建议", "content": "", "disclosure_consent": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_content_error"' in html and 'id="id_category_error"' in html
    assert 'value="关于加强社区食品安全监管的建议"' in html
    assert not Suggestion.objects.exists()


def test_submit_with_a_co_signer_and_an_attachment(client, actors):
    client.force_login(actors.deputy_user)
    cosigner = actors.cosigner_user.deputy
    df.MandateFactory(deputy=cosigner, term=actors.deputy.mandates.get().term)
    pdf = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        reverse("suggestions:create"),
        {"title": "关于农村饮水安全的建议", "content": "建议加快农村供水工程建设。", "category": category().pk,
         "disclosure_consent": "on", "co_signers": [cosigner.pk], "attachments": [pdf]},
    )
    s = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:my_detail", args=[s.pk])
    assert s.status == Status.SUBMITTED and s.attachments.count() == 1
    assert list(s.cosignatures.values_list("deputy", flat=True)) == [cosigner.pk]
    # The attachment is served to the deputy, not to another deputy.
    url = reverse("suggestions:attachment", args=[s.attachments.get().pk])
    assert client.get(url).status_code == 200
    client.force_login(df.deputy_user())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="application/octet-stream"), "类型不允许上传"),
        (SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00", content_type="application/pdf"), "内容与扩展名不符"),
    ],
)
def test_uploads_are_limited_by_type_and_content(client, actors, upload, message):
    client.force_login(actors.deputy_user)
    response = client.post(
        reverse("suggestions:create"),
        {"title": "标题", "content": "内容", "category": category().pk, "attachments": [upload]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'id="id_attachments_error"' in html
    assert not Suggestion.objects.exists()


@override_settings(PORTAL_MAX_ATTACHMENT_BYTES=10)
def test_uploads_are_limited_by_size(client, actors):
    client.force_login(actors.deputy_user)
    big = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 " + b"x" * 100, content_type="application/pdf")
    response = client.post(reverse("suggestions:create"), {"title": "标题", "content": "内容", "category": category().pk, "attachments": [big]})
    assert "超过" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_draft_keeps_what_was_typed_and_its_attachments(client, actors, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(actors.deputy_user)
    pdf = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        reverse("suggestions:create"), {"title": "草拟：关于公交线路优化的建议", "content": "初稿", "save_draft": "1", "attachments": [pdf]}
    )
    draft = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:draft", args=[draft.pk])
    assert draft.status == Status.DRAFT and draft.attachments.get().name == "调研报告.pdf"
    html = client.get(reverse("suggestions:my_list")).content.decode()
    assert "草拟：关于公交线路优化的建议" in html and reverse("suggestions:draft", args=[draft.pk]) in html
    html = client.get(reverse("suggestions:draft", args=[draft.pk])).content.decode()
    assert 'value="草拟：关于公交线路优化的建议"' in html and "初稿" in html and "调研报告.pdf" in html
    assert client.get(reverse("suggestions:my_detail", args=[draft.pk]))["Location"] == reverse("suggestions:draft", args=[draft.pk])
    # Submitting without a category: the error is beside the field, what was typed stays, the draft is unchanged.
    response = client.post(reverse("suggestions:draft", args=[draft.pk]), {"title": "关于公交线路优化的建议", "content": "定稿"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_category_error"' in html and 'value="关于公交线路优化的建议"' in html
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.content == "初稿"
    response = client.post(
        reverse("suggestions:draft", args=[draft.pk]), {"title": "关于公交线路优化的建议", "content": "定稿", "category": category().pk}
    )
    assert response["Location"] == reverse("suggestions:my_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.content == "定稿" and draft.attachments.count() == 1
    assert client.get(reverse("suggestions:draft", args=[draft.pk])).status_code == 404  # no longer a draft


def test_draft_page_removes_attachments_and_deletes(client, actors, settings, tmp_path):
    from tests.suggestions.factories import draft as make_draft

    settings.MEDIA_ROOT = str(tmp_path)
    pdf = SimpleUploadedFile("旧.pdf", b"%PDF-1.4 old", content_type="application/pdf")
    d = make_draft(actors, attachments=[pdf], co_signers=[actors.cosigner_user.deputy])
    old = d.attachments.get()
    url = reverse("suggestions:draft", args=[d.pk])
    # Nobody but the author: not the co-signer it names, not staff, not another deputy.
    for user in (actors.cosigner_user, actors.staff, df.deputy_user()):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(reverse("suggestions:delete_draft", args=[d.pk])).status_code == 404
        assert client.get(reverse("suggestions:attachment", args=[old.pk])).status_code == 404
    client.force_login(actors.cosigner_user)
    assert d.title not in client.get(reverse("suggestions:invitations")).content.decode()
    client.force_login(actors.deputy_user)
    assert client.get(reverse("suggestions:attachment", args=[old.pk])).status_code == 200
    new = SimpleUploadedFile("新.pdf", b"%PDF-1.4 new", content_type="application/pdf")
    response = client.post(url, {"title": d.title, "content": d.content, "save_draft": "1", "remove_attachments": [old.pk], "attachments": [new]})
    assert response.status_code == 302
    assert list(d.attachments.values_list("name", flat=True)) == ["新.pdf"]
    assert client.post(reverse("suggestions:delete_draft", args=[d.pk])).status_code == 302
    assert not Suggestion.objects.filter(pk=d.pk).exists()


def test_unit_reply_errors_beside_fields_then_reply(client, actors):
    s, actors, units = in_status(Status.ASSIGNED, actors)
    unit_user = actors.unit_user(units[0])
    assignment = s.assignments.get(unit=units[0])
    client.force_login(unit_user)
    url = reverse("suggestions:unit_detail", args=[assignment.pk])
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    response = client.post(url, {"action": "reply", "letter": "答复正文", "signed_off_by": ""})
    html = response.content.decode()
    assert 'id="id_result_category_error"' in html and 'id="id_signed_off_by_error"' in html and "答复正文" in html
    # The co-unit has not sent its opinion: the form says so before the reply goes, and asks to confirm.
    assert f"协办单位{units[1].name}尚未送来协办意见" in html
    reply = {"action": "reply", "letter": "答复正文", "signed_off_by": "王局长", "result_category": result("A").pk}
    html = client.post(url, reply).content.decode()
    assert 'id="id_without_co_opinions_error"' in html and "请确认仍然提交" in html
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    response = client.post(url, {**reply, "without_co_opinions": "on"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.REPLIED


def test_a_lead_unit_whose_co_units_have_all_answered_replies_without_the_extra_tick(client, actors):
    s, actors, units = in_status(Status.ASSIGNED, actors)
    co = s.assignments.get(unit=units[1])
    services.acknowledge_assignment(assignment=co, actor=actors.unit_user(units[1]))
    services.submit_co_opinion(assignment=co, actor=actors.unit_user(units[1]), content="同意主办单位意见。")
    assignment = s.assignments.get(unit=units[0])
    client.force_login(actors.unit_user(units[0]))
    url = reverse("suggestions:unit_detail", args=[assignment.pk])
    client.post(url, {"action": "acknowledge"})
    html = client.get(url).content.decode()
    assert "答复提交后即送代表测评，不能修改或撤回。" in html and "尚未送来协办意见" not in html
    reply = {"action": "reply", "letter": "答复正文", "signed_off_by": "王局长", "result_category": result("A").pk}
    assert client.post(url, reply).status_code == 302


def test_not_satisfied_first_says_it_sends_the_item_back_then_waits_for_confirmation(client, actors):
    s, actors, units = in_status(Status.REPLIED, actors)
    reply = s.replies.get(is_current=True)
    client.force_login(actors.deputy_user)
    url = reverse("suggestions:my_detail", args=[s.pk])
    rating = {"action": "rate", "reply": reply.pk, f"r{reply.pk}-process_rating": "mostly",
              f"r{reply.pk}-result_rating": "not_satisfied", f"r{reply.pk}-comment": "未解决实际问题"}
    html = client.post(url, rating).content.decode()
    assert f"选择不满意后，本件退回{units[0].name}重新办理" in html and 'name="confirmed" value="1"' in html
    assert "未解决实际问题" in html  # what was typed is kept
    s.refresh_from_db()
    assert s.status == Status.REPLIED
    page = client.post(url, {**rating, "confirmed": "1"}, follow=True).content.decode()
    s.refresh_from_db()
    assert s.status == Status.REHANDLING
    assert f"测评已提交：本件已退回{units[0].name}重新办理" in page


def test_a_satisfied_rating_needs_no_second_step(client, actors):
    s, actors, units = in_status(Status.REPLIED, actors)
    reply = s.replies.get(is_current=True)
    client.force_login(actors.deputy_user)
    rating = {"action": "rate", "reply": reply.pk, f"r{reply.pk}-process_rating": "satisfied", f"r{reply.pk}-result_rating": "satisfied"}
    page = client.post(reverse("suggestions:my_detail", args=[s.pk]), rating, follow=True).content.decode()
    s.refresh_from_db()
    assert s.status == Status.CLOSED and "测评已提交，本件已办结。" in page


def test_service_refusal_is_shown_not_raised(client, actors):
    """A move the state table refuses comes back as a message on the page."""
    s, actors, units = in_status(Status.ASSIGNED, actors)
    client.force_login(actors.unit_user(units[0]))
    assignment = s.assignments.get(unit=units[0])
    url = reverse("suggestions:unit_detail", args=[assignment.pk])
    client.post(url, {"action": "acknowledge"})
    response = client.post(url, {"action": "acknowledge"}, follow=True)
    assert "不能重复签收" in response.content.decode()


def test_forms_need_csrf(actors):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(actors.deputy_user)
    html = csrf_client.get(reverse("suggestions:create")).content.decode()
    assert "csrfmiddlewaretoken" in html
    response = csrf_client.post(reverse("suggestions:create"), {"title": "t", "content": "c", "category": category().pk})
    assert response.status_code == 403


def test_staff_register_assign_and_publish_through_the_page(client, actors):
    s, actors, units = in_status(Status.SUBMITTED, actors)
    client.force_login(actors.staff)
    url = reverse("suggestions:staff_detail", args=[s.pk])
    assert client.post(url, {"action": "register", "note": ""}).status_code == 302
    response = client.post(url, {"action": "assign", "mode": "lead", "note": ""})
    assert 'id="id_lead_unit_error"' in response.content.decode()  # the service's error, beside the field
    assert client.post(url, {"action": "assign", "mode": "lead", "lead_unit": units[0].pk, "co_units": [units[1].pk]}).status_code == 302
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and s.number


# ---------------------------------------------------------------- public


def test_public_keyword_finds_two_character_words_in_published_items_only(client, actors):
    s, actors, units = in_status(Status.CLOSED, actors)
    publish(s, actors)
    hidden, _, _ = in_status(Status.CLOSED, actors, units=units)
    summary_only, _, _ = in_status(Status.CLOSED, actors, units=units)
    publish(summary_only, actors, mode=Disclosure.SUMMARY, summary="关于道路建设的摘要")
    url = reverse("suggestions:public_list")
    html = client.get(url, {"q": "公路"}).content.decode()  # in the title
    assert reverse("suggestions:public_detail", args=[s.pk]) in html
    assert reverse("suggestions:public_detail", args=[hidden.pk]) not in html
    html = client.get(url, {"q": "投入"}).content.decode()  # in the full content only
    assert reverse("suggestions:public_detail", args=[s.pk]) in html
    assert reverse("suggestions:public_detail", args=[summary_only.pk]) not in html  # its content is not published
    html = client.get(url, {"q": "答复", "unit": units[0].pk}).content.decode()  # in the reply letter, by unit
    assert reverse("suggestions:public_detail", args=[s.pk]) in html
    assert client.get(reverse("suggestions:public_detail", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("suggestions:public_detail", args=[summary_only.pk])).content.decode()
    assert "关于道路建设的摘要" in detail and "养护资金不足" not in detail


def test_public_pages_mask_personal_numbers_and_filter_by_unit(client, actors):
    from suggestions.models import Reply

    s, actors, units = in_status(Status.CLOSED, actors)
    Suggestion.objects.filter(pk=s.pk).update(content="群众王某（身份证430102197506010012，电话13912345678）反映村道破损。")
    Reply.objects.filter(suggestion=s).update(letter="已联系王某（13812345678）。")
    publish(s, actors)
    html = client.get(reverse("suggestions:public_detail", args=[s.pk])).content.decode()
    assert "村道破损" in html and "已联系王某" in html
    for number in ("430102197506010012", "13912345678", "13812345678"):
        assert number not in html
    url = reverse("suggestions:public_list")
    assert reverse("suggestions:public_detail", args=[s.pk]) in client.get(url, {"unit": units[1].pk}).content.decode()
    assert reverse("suggestions:public_detail", args=[s.pk]) not in client.get(url, {"unit": df.HandlingUnitFactory().pk}).content.decode()
    assert reverse("suggestions:public_detail", args=[s.pk]) not in client.get(url, {"q": "13912345678"}).content.decode()


def test_league_table_ranks_units(client, actors):
    s, actors, units = in_status(Status.CLOSED, actors)
    html = client.get(reverse("suggestions:public_units")).content.decode()
    assert units[0].name in html and "100.0%" in html


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("params", [{"q": "公路"}, {"q": "答复", "unit": 0}, {"unit": 1, "result_category": "B"}])
def test_filtered_public_list_query_count_does_not_grow(client, actors, params):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    params = {k: units[v].pk if k == "unit" else (result(v).pk if k == "result_category" else v) for k, v in params.items()}

    def grow(n):
        for _ in range(n):
            s, _, _ = in_status(Status.CLOSED, actors, units=units)
            publish(s, actors)

    url = reverse("suggestions:public_list")
    grow(1)
    few = _count(client, url, **params)
    grow(3)
    many = _count(client, url, **params)
    assert few == many, (few, many)
    assert "关于改善农村公路养护的建议" in client.get(url, params).content.decode()


def _count(client, url, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congress_portal import public_cache

    public_cache.bump("suggestions")  # the public pages are cached for anonymous visitors: count building one
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "who,url_name,args",
    [
        ("deputy", "my_list", ()), ("cosigner", "invitations", ()), ("unit", "unit_inbox", ()), ("unit", "unit_figures", ()), ("staff", "staff_dashboard", ()),
        ("staff", "staff_list", ()), ("staff", "staff_review", ()), ("staff", "staff_assign_queue", ()), ("staff", "staff_overdue", ()),
        ("staff", "staff_disclosure", ()), ("public", "public_list", ()), ("public", "public_units", ()),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(client, actors, who, url_name, args):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]

    def grow():
        for status in (Status.DRAFT, Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED, Status.CLOSED):
            s, _, _ = in_status(status, actors, units=units)
            if status == Status.CLOSED:
                publish(s, actors)

    users = {"deputy": actors.deputy_user, "cosigner": actors.cosigner_user, "unit": actors.unit_user(units[0]), "staff": actors.staff}
    if who in users:
        client.force_login(users[who])
    url = reverse(f"suggestions:{url_name}", args=args)
    grow()
    _count(client, url)  # the dashboard's first view counts its summary row once
    few = _count(client, url)
    grow()
    grow()
    many = _count(client, url)
    assert few == many, (few, many)
    assert many <= 14


@pytest.mark.parametrize("who", ["deputy", "unit", "staff", "public"])
def test_detail_query_counts_do_not_grow_with_events(client, actors, who):
    s, actors, units = in_status(Status.CLOSED, actors)
    publish(s, actors)
    urls = {
        "deputy": reverse("suggestions:my_detail", args=[s.pk]),
        "unit": reverse("suggestions:unit_detail", args=[s.assignments.get(unit=units[0]).pk]),
        "staff": reverse("suggestions:staff_detail", args=[s.pk]),
        "public": reverse("suggestions:public_detail", args=[s.pk]),
    }
    users = {"deputy": actors.deputy_user, "unit": actors.unit_user(units[0]), "staff": actors.staff}
    if who in users:
        client.force_login(users[who])
    few = _count(client, urls[who])
    for _ in range(3):
        services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
    many = _count(client, urls[who])
    assert few == many, (few, many)


def test_export_is_the_filtered_list_with_formulas_escaped(client, actors):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.suggestions.factories import submit

    submit(actors, title="=HYPERLINK(\"http://example.invalid\")")
    submit(actors, title="关于城乡医保的建议", category=category("health"))
    client.force_login(actors.staff)
    response = client.get(reverse("suggestions:staff_export"), {"category": category("health").pk})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert [r[1] for r in rows[1:]] == ["关于城乡医保的建议"]
    response = client.get(reverse("suggestions:staff_export"))
    titles = [r[1] for r in list(load_workbook(BytesIO(response.content)).active.values)[1:]]
    assert "'=HYPERLINK(\"http://example.invalid\")" in titles


def test_pages_list_the_lead_unit_first(client, actors):
    lead, co = df.HandlingUnitFactory(name="湖南省交通运输厅"), df.HandlingUnitFactory(name="湖南省财政厅")
    s, actors, units = in_status(Status.CLOSED, actors, units=[lead, co])
    publish(s, actors)

    def lead_before_co(html):
        return html.index("湖南省交通运输厅") < html.index("湖南省财政厅")

    assert lead_before_co(client.get(reverse("suggestions:public_list")).content.decode())
    assert lead_before_co(client.get(reverse("suggestions:public_detail", args=[s.pk])).content.decode())
    client.force_login(actors.staff)
    for url in (reverse("suggestions:staff_list"), reverse("suggestions:staff_detail", args=[s.pk])):
        assert lead_before_co(client.get(url).content.decode()), url
    client.force_login(actors.deputy_user)
    assert lead_before_co(client.get(reverse("suggestions:my_list")).content.decode())

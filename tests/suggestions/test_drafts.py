"""Drafts (草稿): a deputy saves, changes, deletes and submits their own draft,
attachments and named co-signers kept on it; nobody else sees a draft (not the
co-signers it names, not staff lists or figures, not units, not the public)."""
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from suggestions import selectors, services, workflow
from suggestions.models import CoSignState, Status, Suggestion, SuggestionAttachment
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, category, draft, in_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def pdf(name="调研报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 draft", content_type="application/pdf")


def client_for(user):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_save_draft_keeps_attachments_and_names_co_signers_without_inviting_them():
    actors = Actors()
    d = draft(actors, co_signers=[actors.cosigner_user.deputy], attachments=[pdf()], category=None)
    assert d.status == Status.DRAFT and d.category is None
    assert d.attachments.get().name == "调研报告.pdf"
    assert list(d.cosignatures.values_list("state", flat=True)) == [CoSignState.PROPOSED]
    assert list(d.events.values_list("move", "to_status")) == [("save_draft", Status.DRAFT)]
    # The co-signer it names has no invitation and cannot see it.
    assert not Suggestion.objects.visible_to(actors.cosigner_user).exists()
    assert workflow.actor_kinds(actors.cosigner_user, d) == set()


def test_a_draft_needs_something_typed_and_its_own_author():
    actors = Actors()
    with pytest.raises(ValidationError) as exc:
        services.save_draft(lead_deputy=actors.deputy, actor=actors.deputy_user, title=" ", content="")
    assert "title" in exc.value.error_dict
    for wrong in (actors.staff, actors.cosigner_user):
        with pytest.raises(PermissionDenied):
            services.save_draft(lead_deputy=actors.deputy, actor=wrong, title="代拟")
    with pytest.raises(ValidationError) as exc:
        draft(actors, attachments=[SimpleUploadedFile("x.exe", b"MZ\x90\x00")])
    assert "attachments" in exc.value.error_dict
    assert not Suggestion.objects.exists()


def test_only_the_author_sees_a_draft_anywhere():
    actors = Actors()
    d = draft(actors, co_signers=[actors.cosigner_user.deputy])
    submitted, _a, units = in_status(Status.ASSIGNED, actors)
    unit_user = actors.unit_user(units[0])
    # The author: in visible_to (pages, attachments), in the drafts, not in the suggestion lists.
    assert set(Suggestion.objects.visible_to(actors.deputy_user)) == {d, submitted}
    assert list(selectors.deputy_drafts(user=actors.deputy_user)) == [d]
    assert list(selectors.deputy_suggestions(user=actors.deputy_user)) == [submitted]
    # Everyone else: nowhere.
    for user in (actors.staff, unit_user, actors.cosigner_user, df.deputy_user(), df.keeper_user()):
        assert d not in Suggestion.objects.visible_to(user)
        assert not selectors.deputy_drafts(user=user).exists()
        with pytest.raises(Exception) as exc:
            selectors.draft_detail(user=user, pk=d.pk)
        assert exc.typename == "Http404"
    from django.contrib.auth.models import AnonymousUser

    assert d not in Suggestion.objects.visible_to(AnonymousUser())
    assert d not in selectors.staff_suggestion_list(user=actors.staff)
    assert d not in selectors.public_published_list()
    assert selectors.dashboard_figures(user=actors.staff)["total"] == 1
    assert "draft" not in {row["status"] for row in selectors.dashboard_figures(user=actors.staff)["by_status"]}


def test_update_draft_changes_fields_co_signers_and_attachments(django_capture_on_commit_callbacks):
    actors = Actors()
    d = draft(actors, co_signers=[actors.cosigner_user.deputy], attachments=[pdf("一.pdf"), pdf("二.pdf")])
    first, second = d.attachments.order_by("pk")
    path = first.file.path
    other = df.deputy_user().deputy
    with django_capture_on_commit_callbacks(execute=True):  # file removal waits for the commit
        services.update_draft(
            suggestion=d, actor=actors.deputy_user, title="关于完善农村客运班线的建议", co_signers=[other],
            attachments=[pdf("三.pdf")], remove_attachments=[first.pk],
        )  # fmt: skip
    d.refresh_from_db()
    assert d.status == Status.DRAFT and d.title == "关于完善农村客运班线的建议"
    assert d.content.startswith("农村客运班线少")  # not given: unchanged
    assert list(d.cosignatures.values_list("deputy", "state")) == [(other.pk, CoSignState.PROPOSED)]
    assert sorted(d.attachments.values_list("name", flat=True)) == ["三.pdf", "二.pdf"]
    assert not os.path.exists(path) and os.path.exists(second.file.path)
    assert list(d.events.values_list("move", flat=True)) == ["save_draft", "update_draft"]
    # Another draft's attachment cannot be removed through this one.
    foreign = draft(actors, attachments=[pdf()]).attachments.get()
    with pytest.raises(ValidationError):
        services.update_draft(suggestion=d, actor=actors.deputy_user, remove_attachments=[foreign.pk])
    assert SuggestionAttachment.objects.filter(pk=foreign.pk).exists()
    for wrong in (actors.staff, actors.cosigner_user, df.deputy_user()):
        with pytest.raises(PermissionDenied):
            services.update_draft(suggestion=d, actor=wrong, title="改")


def test_submit_draft_checks_completeness_then_invites_the_co_signers(django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    monkeypatch.setattr("congress_portal.notifications.registry.event_recorded", lambda source, pk: seen.append(pk))
    actors = Actors()
    d = draft(actors, category=None, content="", co_signers=[actors.cosigner_user.deputy], attachments=[pdf()])
    saved_at = d.submitted_at
    with pytest.raises(ValidationError) as exc:
        services.submit_draft(suggestion=d, actor=actors.deputy_user)
    assert "content" in exc.value.error_dict or "category" in exc.value.error_dict
    d.refresh_from_db()
    assert d.status == Status.DRAFT and d.cosignatures.get().state == CoSignState.PROPOSED
    services.update_draft(suggestion=d, actor=actors.deputy_user, content="建议增开班线。", category=category("transport"))
    with pytest.raises(PermissionDenied):
        services.submit_draft(suggestion=d, actor=actors.staff)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.submit_draft(suggestion=d, actor=actors.deputy_user)
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.submitted_at > saved_at
    assert event.move == "submit_draft" and event.is_public and seen == [event.pk]
    cosign = d.cosignatures.get()
    assert cosign.state == CoSignState.INVITED and cosign.invited_at >= d.submitted_at
    assert d.attachments.count() == 1  # the attachments travel with it
    # Now it is an ordinary suggestion: in the review queue, the co-signer is invited.
    assert d in selectors.review_queue(user=actors.staff)
    assert d in Suggestion.objects.visible_to(actors.cosigner_user)
    assert workflow.actor_kinds(actors.cosigner_user, d) == {workflow.CO_SIGNER}
    # Submitting twice: the second sees it moved on (409).
    stale = Suggestion.objects.get(pk=d.pk)
    stale.status = Status.DRAFT
    with pytest.raises(ValidationError) as exc:
        services.submit_draft(suggestion=stale, actor=actors.deputy_user)
    assert exc.value.code == "conflict"
    # And it is no longer a draft: not editable, not deletable.
    with pytest.raises(ValidationError, match="待审查"):
        services.update_draft(suggestion=d, actor=actors.deputy_user, title="改")
    with pytest.raises(ValidationError, match="待审查"):
        services.delete_draft(suggestion=d, actor=actors.deputy_user)


def test_delete_draft_removes_it_with_its_files(django_capture_on_commit_callbacks):
    actors = Actors()
    d = draft(actors, co_signers=[actors.cosigner_user.deputy], attachments=[pdf()])
    path = d.attachments.get().file.path
    for wrong in (actors.staff, actors.cosigner_user):
        with pytest.raises(PermissionDenied):
            services.delete_draft(suggestion=d, actor=wrong)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_draft(suggestion=d, actor=actors.deputy_user)
        assert os.path.exists(path)  # until the deletion is committed
    assert not Suggestion.objects.filter(pk=d.pk).exists()
    assert not SuggestionAttachment.objects.exists() and not os.path.exists(path)


def test_a_submitted_suggestion_always_has_a_category():
    actors = Actors()
    s, _a, _u = in_status(Status.SUBMITTED, actors)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=s.pk).update(category=None)


# ---------------------------------------------------------------- API


def test_drafts_through_the_api():
    actors = Actors()
    deputy = client_for(actors.deputy_user)
    r = deputy.post(
        "/api/suggestions/drafts/",
        {"title": "关于乡村学校校车的建议", "co_signers": [actors.cosigner_user.deputy.pk], "attachments": [pdf()]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert body["status"] == "draft" and body["category"] is None and [a["name"] for a in body["attachments"]] == ["调研报告.pdf"]
    assert [c["id"] for c in body["co_signers"]] == [actors.cosigner_user.deputy.pk]
    # Nobody else: 404 on the draft, nothing in their lists; the main list does not carry drafts.
    for user in (actors.staff, actors.cosigner_user, df.unit_user(), df.deputy_user()):
        c = client_for(user)
        assert c.get(f"/api/suggestions/drafts/{pk}/").status_code == 404
        assert c.post(f"/api/suggestions/drafts/{pk}/submit/").status_code == 404
        assert c.delete(f"/api/suggestions/drafts/{pk}/").status_code == 404
        assert c.get(f"/api/suggestions/{pk}/").status_code == 404
    assert client_for(actors.staff).get("/api/suggestions/").json()["results"] == []
    assert client_for(actors.staff).post("/api/suggestions/drafts/", {"title": "x"}, format="json").status_code == 403
    assert deputy.get("/api/suggestions/").json()["results"] == []
    assert [row["id"] for row in deputy.get("/api/suggestions/drafts/").json()["results"]] == [pk]
    # Incomplete: 400 naming the fields; then completed with PATCH and submitted.
    r = deputy.post(f"/api/suggestions/drafts/{pk}/submit/")
    assert r.status_code == 400 and ("content" in r.json() or "category" in r.json()), r.content
    bad = deputy.patch(f"/api/suggestions/drafts/{pk}/", {"attachments": [SimpleUploadedFile("a.pdf", b"MZ")]}, format="multipart")
    assert bad.status_code == 400
    r = deputy.patch(f"/api/suggestions/drafts/{pk}/", {"content": "校车不足。", "category": category("education").pk}, format="json")
    assert r.status_code == 200 and r.json()["title"] == "关于乡村学校校车的建议" and r.json()["content"] == "校车不足。"
    r = deputy.post(f"/api/suggestions/drafts/{pk}/submit/")
    assert r.status_code == 200 and r.json()["status"] == Status.SUBMITTED and r.json()["attachments"] == ["调研报告.pdf"]
    assert deputy.get(f"/api/suggestions/drafts/{pk}/").status_code == 404  # no longer a draft
    assert client_for(actors.staff).get(f"/api/suggestions/{pk}/").status_code == 200
    # Delete another draft.
    other = deputy.post("/api/suggestions/drafts/", {"title": "待删"}, format="json").json()["id"]
    assert deputy.delete(f"/api/suggestions/drafts/{other}/").status_code == 204
    assert not Suggestion.objects.filter(pk=other).exists()


def test_drafts_list_query_count_does_not_grow(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actors = Actors()
    c = client_for(actors.deputy_user)
    draft(actors, co_signers=[actors.cosigner_user.deputy], attachments=[pdf()])
    c.get("/api/suggestions/drafts/")
    with CaptureQueriesContext(connection) as few:
        assert c.get("/api/suggestions/drafts/").status_code == 200
    for _ in range(3):
        draft(actors, co_signers=[actors.cosigner_user.deputy, df.deputy_user().deputy], attachments=[pdf(), pdf("二.pdf")])
    with django_assert_num_queries(len(few)):
        assert c.get("/api/suggestions/drafts/").json()["count"] == 4
    assert len(few) <= 6


def test_staff_cannot_reach_a_draft_by_its_id():
    import datetime

    from congress_portal.workdays import local_today

    actors = Actors()
    d = draft(actors, title="尚未提交的草稿标题")
    staff = client_for(actors.staff)
    r = staff.post(
        "/api/suggestions/followup-rounds/",
        {"title": "回头看", "due_date": str(local_today() + datetime.timedelta(days=30)), "suggestions": [d.pk]},
        format="json",
    )
    assert r.status_code == 400 and "尚未提交的草稿标题" not in r.content.decode()
    for path in (f"/api/suggestions/{d.pk}/register/", f"/api/suggestions/{d.pk}/events/"):
        assert staff.post(path, {}, format="json").status_code in (404, 405) and staff.get(path).status_code in (404, 405)

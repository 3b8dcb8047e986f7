"""Admin screens change status only through actions that call the services."""
import pytest

from suggestions.models import Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = df.staff_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_review_queue_register_and_assignment_screen(admin_client):
    s, actors, units = in_status(Status.SUBMITTED)
    r = admin_client.get("/admin/suggestions/reviewqueue/")
    assert r.status_code == 200 and s.title in r.content.decode()
    r = admin_client.post("/admin/suggestions/reviewqueue/", {"action": "register_action", "_selected_action": [s.pk]})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.REGISTERED and s.events.filter(move="register").exists()
    # The assignment screen: the action shows a form, then assigns through the service.
    r = admin_client.post("/admin/suggestions/assignmentqueue/", {"action": "assign_action", "_selected_action": [s.pk]})
    assert r.status_code == 200 and "主办单位" in r.content.decode()
    r = admin_client.post(
        "/admin/suggestions/assignmentqueue/",
        {"action": "assign_action", "_selected_action": [s.pk], "apply": "1", "lead_unit": units[0].pk, "co_units": [units[1].pk]},
    )
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and s.assignments.count() == 2


def test_status_is_read_only_in_the_change_form(admin_client):
    s, actors, units = in_status(Status.SUBMITTED)
    r = admin_client.get(f"/admin/suggestions/suggestion/{s.pk}/change/")
    assert r.status_code == 200
    assert 'name="status"' not in r.content.decode()
    for url in ("/admin/suggestions/overduesuggestion/", "/admin/suggestions/suggestion/?overdue=yes", "/admin/suggestions/suggestionevent/",
                "/admin/suggestions/assignment/", "/admin/suggestions/suggestionpolicy/", "/admin/workdays/calendarday/"):
        assert admin_client.get(url).status_code == 200, url
    assert Suggestion.objects.get(pk=s.pk).status == Status.SUBMITTED


def test_drafts_are_not_in_the_admin(admin_client):
    from tests.suggestions.factories import Actors, draft

    d = draft(Actors(), title="草稿中的建议")
    assert "草稿中的建议" not in admin_client.get("/admin/suggestions/suggestion/").content.decode()
    assert admin_client.get(f"/admin/suggestions/suggestion/{d.pk}/change/").status_code == 302  # not found: back to the list


def test_admin_actions_key_supervision_extension_and_followup(admin_client):
    import datetime

    from congress_portal.workdays import local_today
    from suggestions.models import FollowUpRound, KeySupervision
    from tests.suggestions.factories import Actors

    actors = Actors()
    assigned, _, units = in_status(Status.ASSIGNED, actors)
    closed, _, _ = in_status(Status.CLOSED, actors, units=units)
    url = "/admin/suggestions/suggestion/"
    r = admin_client.post(url, {"action": "key_supervision_action", "_selected_action": [assigned.pk]})
    assert r.status_code == 200 and "牵头督办领导" in r.content.decode()
    admin_client.post(url, {"action": "key_supervision_action", "_selected_action": [assigned.pk], "apply": "1", "supervising_leader": "王副主任"})
    assert KeySupervision.objects.get().suggestion_id == assigned.pk
    new_due = assigned.reply_due_at.date() + datetime.timedelta(days=20)
    admin_client.post(
        url,
        {"action": "extend_deadline_action", "_selected_action": [assigned.pk], "apply": "1", "new_due_date": str(new_due), "reason": "情况复杂"},
    )
    assigned.refresh_from_db()
    assert assigned.reply_due_at.date() == new_due and assigned.events.filter(move="extend_deadline").exists()
    # The result filter picks the B replies; the follow-up action is all or nothing.
    listing = admin_client.get(url, {"result": "B"}).content.decode()
    assert closed.title in listing
    due = str(local_today() + datetime.timedelta(days=30))
    r = admin_client.post(
        url, {"action": "open_followup_action", "_selected_action": [closed.pk, assigned.pk], "apply": "1", "title": "回头看", "due_date": due}, follow=True
    )
    assert "不能执行「列入回头看」" in r.content.decode() and not FollowUpRound.objects.exists()
    admin_client.post(url, {"action": "open_followup_action", "_selected_action": [closed.pk], "apply": "1", "title": "回头看", "due_date": due})
    closed.refresh_from_db()
    assert closed.status == Status.FOLLOWUP and FollowUpRound.objects.get().items.count() == 1

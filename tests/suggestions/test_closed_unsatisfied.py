"""When the re-handling limit is used up, a 不满意 rating still closes the item,
but as its own move: the deputy is told why, and staff find the item in the
list of items closed unsatisfied."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_portal.notifications.services import Recipient
from suggestions import notices, selectors, services
from suggestions.models import Satisfaction, Status, SuggestionEvent
from tests.deputies import factories as df
from tests.suggestions.factories import in_status, result

pytestmark = pytest.mark.django_db
N, S = Satisfaction.NOT_SATISFIED, Satisfaction.SATISFIED


def closed_unsatisfied(actors, units=None):
    """Not satisfied, re-handled once (the default limit), not satisfied again."""
    s, actors, units = in_status(Status.REHANDLING, actors, units=units)
    lead = s.assignments.get(role="lead", is_active=True)
    services.reply_to_suggestion(
        assignment=lead, actor=actors.unit_user(lead.unit), letter="重新办理后答复如下……", result_category=result("C"), signed_off_by="张局长"
    )
    services.rate_reply(
        reply=s.replies.get(is_current=True), actor=actors.deputy_user, process_rating=S, result_rating=N, comment="问题仍未解决"
    )
    s.refresh_from_db()
    return s, actors, units


def test_the_last_not_satisfied_rating_closes_and_tells_the_deputy_why(actors):
    s, actors, units = closed_unsatisfied(actors)
    assert s.status == Status.CLOSED and s.rehandling_count == 1
    event = SuggestionEvent.objects.get(suggestion=s, move="close_not_satisfied")
    assert "重新办理次数已达上限（1次）" in event.note and event.visible_to_deputy
    messages = notices.event_messages([event.pk])
    told = {m.recipient for m in messages}
    assert Recipient.deputy(s.lead_deputy_id) in told
    assert Recipient.user(actors.staff.pk) in told
    deputy_message = next(m for m in messages if m.recipient == Recipient.deputy(s.lead_deputy_id))
    assert "重新办理次数已达上限" in deputy_message.context["note"]


def test_a_satisfied_last_round_is_an_ordinary_close(actors):
    s, actors, units = in_status(Status.REHANDLING, actors)
    lead = s.assignments.get(role="lead", is_active=True)
    services.reply_to_suggestion(
        assignment=lead, actor=actors.unit_user(lead.unit), letter="重新办理后答复如下……", result_category=result("A"), signed_off_by="张局长"
    )
    services.rate_reply(reply=s.replies.get(is_current=True), actor=actors.deputy_user, process_rating=S, result_rating=S)
    assert SuggestionEvent.objects.filter(suggestion=s, move="rate").exists()
    assert not selectors.closed_unsatisfied(user=actors.staff).exists()


def test_staff_list_of_items_closed_unsatisfied(actors, client):
    s, actors, units = closed_unsatisfied(actors)
    in_status(Status.CLOSED, actors)  # closed satisfied: not listed
    assert list(selectors.closed_unsatisfied(user=actors.staff)) == [s]
    assert not selectors.closed_unsatisfied(user=actors.deputy_user).exists()
    client.force_login(actors.staff)
    dashboard = client.get(reverse("suggestions:staff_dashboard")).content.decode()
    url = reverse("suggestions:staff_closed_unsatisfied")
    assert url in dashboard  # reachable from the staff navigation
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert s.title in html
    for _ in range(3):
        closed_unsatisfied(actors, units=[df.HandlingUnitFactory(), df.HandlingUnitFactory()])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)
    client.force_login(actors.deputy_user)
    assert client.get(url).status_code in (403, 404)

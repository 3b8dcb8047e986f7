"""码上办 closes the loop by SMS: the person who left a mobile number and
agreed is told the tracking code when the issue is received, the answer when
the station releases it, and the unit's reply when the issue became a
suggestion. Each once per event, through the notice registry, to the number
on the issue; nothing for an issue without a mobile number or consent."""
import pytest
from django.urls import reverse

from congress_portal.notifications import registry
from congress_portal.notifications.models import Channel, Delivery, Kind, Notification
from congress_portal.notifications.services import Recipient, _addresses_by_recipient
from liaison_stations import constituents, services
from liaison_stations.models import Issue, IssueSource
from suggestions import services as suggestion_services
from suggestions.models import SuggestionEvent
from tests.deputies import factories as df
from tests.suggestions import factories as sf

from . import factories as f
from .test_flow import message_data

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Record what would be queued instead of publishing it."""
    from congress_portal.notifications import tasks

    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: queued.append(list(ids)))
    return queued


def told(issue):
    return list(Notification.objects.filter(kind=Kind.STATION_CONSTITUENT, item_id=issue.pk).order_by("pk"))


def message(station, *, contact=MOBILE, consents=True, **kwargs):
    return services.submit_public_message(station=station, content="小区门口路灯坏了", client_ip="192.0.2.7",
                                          contact=contact, consents_to_contact=consents, **kwargs)


# ---------------------------------------------------------------- the address

@pytest.mark.parametrize(("contact", "mobile"), [
    ("13912345678", "13912345678"),
    ("139 1234 5678", "13912345678"),
    ("李女士，139-1234-5678", "13912345678"),
    ("0731-84561234", ""),  # a landline
    ("li@example.com", ""),
    ("", ""),
    ("239123456789", ""),  # too long to be a mobile
])
def test_the_mobile_is_read_from_the_contact_as_typed(contact, mobile):
    assert constituents.mobile_of(contact) == mobile


def test_the_address_is_the_mobile_on_the_issue_and_only_with_consent():
    station = f.StationFactory()
    with_consent = message(station, contact="139 1234 5678")
    without_consent = message(station, consents=False)
    landline = message(station, contact="0731-84561234")
    found = _addresses_by_recipient({Recipient("constituent", i.pk) for i in (with_consent, without_consent, landline)})
    assert found == {f"constituent:{with_consent.pk}": [(Channel.SMS, MOBILE)]}


# ---------------------------------------------------------------- on submission

def test_a_message_left_with_a_mobile_gets_its_code_by_sms_once(client, django_capture_on_commit_callbacks, settings,
                                                                no_broker):
    settings.PORTAL_BASE_URL = "https://rd.example.gov.cn"
    station = f.StationFactory(name="城关镇人大代表联络站")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("liaison_stations:station", args=[station.pk]), message_data(contact=MOBILE))
    assert response.status_code == 302
    issue = Issue.objects.get()
    [notification] = told(issue)
    assert notification.recipient_key == f"constituent:{issue.pk}"
    assert (notification.recipient_unit, notification.recipient_deputy, notification.recipient_user) == (None, None, None)
    assert notification.stage == f"e{issue.events.get(move='leave_message').pk}"
    [delivery] = Delivery.objects.filter(notification=notification)
    assert (delivery.channel, delivery.address) == (Channel.SMS, MOBILE)
    assert no_broker == [[delivery.pk]]
    sms = notification.sms_text
    assert issue.tracking_code_display in sms and "城关镇人大代表联络站" in sms
    assert sms.endswith(f"https://rd.example.gov.cn/stations/track/{issue.tracking_code}/")
    # The scan's catch-up finds the event again and says nothing twice.
    registry.scan()
    registry.scan()
    assert len(told(issue)) == 1 and Delivery.objects.count() == 1


def test_a_lost_after_commit_call_is_said_by_the_scan():
    issue = message(f.StationFactory())  # no on-commit callbacks run
    assert told(issue) == []
    registry.scan()
    assert len(told(issue)) == 1


@pytest.mark.parametrize(("contact", "consents"), [("", False), ("li@example.com", True), (MOBILE, False),
                                                   ("0731-84561234", True)])
def test_nothing_is_said_without_a_mobile_and_consent(contact, consents, django_capture_on_commit_callbacks,
                                                      keeper_user):
    station = f.station_with_keeper(keeper_user)
    with django_capture_on_commit_callbacks(execute=True):
        issue = message(station, contact=contact, consents=consents)
        services.answer_issue(issue=issue, answer="已联系供电所维修。", actor=keeper_user)
    registry.scan()
    assert not Notification.objects.filter(kind=Kind.STATION_CONSTITUENT).exists()


def test_an_issue_registered_at_a_visit_gets_its_code_too(keeper_user, django_capture_on_commit_callbacks):
    station = f.station_with_keeper(keeper_user)
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.record_visit(
            station=station, received_on=station.created_at.date(), actor=keeper_user,
            issues=[{"content": "灌溉渠堵塞", "raised_by_contact": MOBILE, "consents_to_contact": True},
                    {"content": "路灯不亮"}],
        )
    with_mobile, without = visit.issues.get(content="灌溉渠堵塞"), visit.issues.get(content="路灯不亮")
    assert with_mobile.source == IssueSource.VISIT
    assert len(told(with_mobile)) == 1 and told(without) == []


# ---------------------------------------------------------------- the answer released

def test_the_released_answer_is_told_once_per_release(keeper_user, django_capture_on_commit_callbacks):
    station = f.station_with_keeper(keeper_user)
    with django_capture_on_commit_callbacks(execute=True):
        issue = message(station)
        services.answer_issue(issue=issue, answer="已联系供电所，三日内修复。", actor=keeper_user)
    received, answered = told(issue)
    assert answered.context["event"] == "answered"
    assert "已联系供电所，三日内修复。" in answered.sms_text and issue.tracking_code_display in answered.sms_text
    # Closing it with nothing new is not news to them; closing with a new outcome is.
    with django_capture_on_commit_callbacks(execute=True):
        services.close_issue(issue=issue, actor=keeper_user)
    assert len(told(issue)) == 2
    unit = df.HandlingUnitFactory()
    with django_capture_on_commit_callbacks(execute=True):
        forwarded = message(station)
        services.forward_issue(issue=forwarded, unit=unit, actor=keeper_user)
        services.give_feedback(issue=forwarded, feedback="已列入明年计划。", actor=df.unit_user(unit=unit))
    # Forwarding and the unit's feedback are the station's business: the answer is not released yet.
    assert [n.context["event"] for n in told(forwarded)] == ["received"]
    with django_capture_on_commit_callbacks(execute=True):
        services.close_issue(issue=forwarded, actor=keeper_user, outcome="供电所已列入明年改造计划。")
    assert [n.context["event"] for n in told(forwarded)] == ["received", "answered"]
    assert "供电所已列入明年改造计划。" in told(forwarded)[-1].sms_text
    registry.scan()
    assert len(told(forwarded)) == 2


def test_a_long_answer_is_cut_short_in_the_sms(keeper_user, django_capture_on_commit_callbacks):
    issue = message(f.station_with_keeper(keeper_user))
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_issue(issue=issue, answer="答" * 300, actor=keeper_user)
    sms = told(issue)[-1].sms_text
    assert "答" * 59 + "…" in sms and "答" * 61 not in sms


# ---------------------------------------------------------------- the suggestion's reply

def _replied_suggestion_from(issue, deputy_user, django_capture_on_commit_callbacks):
    """The issue taken up as a suggestion, which is then registered, assigned and replied."""
    actors = sf.Actors()
    unit = df.HandlingUnitFactory(name="县交通运输局")
    with django_capture_on_commit_callbacks(execute=True):
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user,
                                       title="关于增加城乡公交班次的建议", category=sf.category())
    suggestion = issue.suggestion
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_services.register_suggestion(suggestion=suggestion, actor=actors.staff)
        suggestion_services.assign_suggestion(suggestion=suggestion, actor=actors.staff, lead_unit=unit)
        assignment = suggestion.assignments.get()
        suggestion_services.acknowledge_assignment(assignment=assignment, actor=actors.unit_user(unit))
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_services.reply_to_suggestion(assignment=assignment, actor=actors.unit_user(unit),
                                                letter="经研究，明年增开两班。", result_category=sf.result("B"),
                                                signed_off_by="张局长")
    return suggestion


def test_the_suggestions_reply_comes_back_to_the_issue_and_its_person(client, deputy_user,
                                                                      django_capture_on_commit_callbacks):
    station = f.station_with_deputy(deputy_user)
    issue = message(station)
    suggestion = _replied_suggestion_from(issue, deputy_user, django_capture_on_commit_callbacks)
    reply_event = SuggestionEvent.objects.get(suggestion=suggestion, move="reply")
    [said] = [n for n in told(issue) if n.context["event"] == "suggestion_reply"]
    assert said.stage == f"s{reply_event.pk}"
    assert "县交通运输局" in said.sms_text and "正在解决或列入计划解决" in said.sms_text
    assert Delivery.objects.get(notification=said).address == MOBILE
    # The owner's own notices still go out beside the listener's.
    assert Notification.objects.filter(kind=Kind.SUGGESTION_EVENT, item_id=suggestion.pk,
                                       recipient_deputy=deputy_user.deputy).exists()
    registry.scan()
    assert len([n for n in told(issue) if n.context["event"] == "suggestion_reply"]) == 1
    # The status page shows who replied with which result, and not the letter (the suggestion is not published).
    page = client.get(reverse("liaison_stations:track_status", args=[issue.tracking_code])).content.decode()
    assert "县交通运输局" in page and "正在解决或列入计划解决" in page
    assert "明年增开两班" not in page and MOBILE not in page and MOBILE[-4:] not in page


def test_a_reply_missed_after_commit_is_said_by_the_scan(deputy_user, django_capture_on_commit_callbacks, monkeypatch):
    issue = message(f.station_with_deputy(deputy_user))
    # The listener fails once (a lost call): the owner's notices are still recorded.
    source = SuggestionEvent._meta.label

    def failing(event_ids):
        raise RuntimeError("listener down")

    listening = dict(registry._listeners[source])
    monkeypatch.setitem(registry._listeners, source, {"liaison_stations": failing})
    suggestion = _replied_suggestion_from(issue, deputy_user, django_capture_on_commit_callbacks)
    assert not [n for n in told(issue) if n.context["event"] == "suggestion_reply"]
    assert Notification.objects.filter(kind=Kind.SUGGESTION_EVENT, item_id=suggestion.pk).exists()
    monkeypatch.setitem(registry._listeners, source, listening)
    registry.scan()
    assert len([n for n in told(issue) if n.context["event"] == "suggestion_reply"]) == 1


def test_the_station_listens_to_suggestion_events():
    assert "liaison_stations" in registry._listeners[SuggestionEvent._meta.label]

"""The person who raised an issue rates the released answer on the status
page (满意/基本满意/不满意), once, with the last four digits of the mobile they
left as a check. A 不满意 is recorded and flagged to the keepers, who decide
whether to take the issue up again; ratings count in the station figures."""
import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.models import Kind, Notification
from liaison_stations import selectors, services
from liaison_stations.models import ConstituentRating, Issue, IssueStatus

from . import factories as f

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from congress_portal.notifications import tasks

    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: None)


def answered(keeper, *, contact=MOBILE, station=None):
    station = station or f.station_with_keeper(keeper)
    issue = services.submit_public_message(station=station, content="菜市场周边占道经营", client_ip="192.0.2.9",
                                           contact=contact, consents_to_contact=bool(contact))
    services.answer_issue(issue=issue, answer="已请城管中队整治。", actor=keeper)
    return issue


def status_url(issue):
    return reverse("liaison_stations:track_status", args=[issue.tracking_code])


def rate(client, issue, **data):
    return client.post(status_url(issue), data)


def test_the_form_appears_only_once_the_answer_is_released(client, keeper_user):
    station = f.station_with_keeper(keeper_user)
    issue = services.submit_public_message(station=station, content="路灯坏了", client_ip="192.0.2.9")
    page = client.get(status_url(issue)).content.decode()
    assert "评价办理结果" not in page
    assert rate(client, issue, rating="satisfied").status_code == 403
    services.answer_issue(issue=issue, answer="已修复。", actor=keeper_user)
    page = client.get(status_url(issue)).content.decode()
    assert "评价办理结果" in page and "基本满意" in page


def test_the_person_rates_once_with_the_mobile_check(client, keeper_user):
    issue = answered(keeper_user)
    assert rate(client, issue, rating="mostly", comment="还行").status_code == 400  # no digits
    response = rate(client, issue, rating="mostly", comment="还行", mobile_last4="0000")
    assert response.status_code == 400 and "手机号后4位不符" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).rated_at is None
    response = rate(client, issue, rating="mostly", comment="处理较快", mobile_last4=MOBILE[-4:])
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.rating, issue.rating_comment, issue.status) == ("mostly", "处理较快", IssueStatus.ANSWERED)
    event = issue.events.get(move="rate")
    assert event.actor is None and event.old_status == event.new_status == IssueStatus.ANSWERED
    page = client.get(status_url(issue)).content.decode()
    assert "您的评价：基本满意" in page and "提交评价" not in page and MOBILE[-4:] not in page
    # Once: the form is gone and the service refuses a second rating.
    assert rate(client, issue, rating="not_satisfied", comment="x", mobile_last4=MOBILE[-4:]).status_code == 403
    with pytest.raises(services.ValidationError) as refused:
        services.rate_issue(issue=Issue.objects.get(pk=issue.pk), rating="satisfied", mobile_last4=MOBILE[-4:])
    assert refused.value.code == "already_rated"
    assert Issue.objects.get(pk=issue.pk).rating == "mostly"


def test_the_second_of_two_ratings_read_before_either_is_refused(keeper_user):
    issue = answered(keeper_user)
    first, second = Issue.objects.get(pk=issue.pk), Issue.objects.get(pk=issue.pk)  # both read unrated
    services.rate_issue(issue=first, rating="satisfied", mobile_last4=MOBILE[-4:])
    with pytest.raises(services.ValidationError) as refused:
        services.rate_issue(issue=second, rating="not_satisfied", comment="没解决", mobile_last4=MOBILE[-4:])
    assert refused.value.code == "already_rated"
    assert Issue.objects.get(pk=issue.pk).rating == "satisfied" and issue.events.filter(move="rate").count() == 1


def test_no_check_is_asked_when_no_mobile_was_left(client, keeper_user):
    issue = answered(keeper_user, contact="")
    assert rate(client, issue, rating="satisfied").status_code == 302
    assert Issue.objects.get(pk=issue.pk).rating == "satisfied"


def test_guessing_the_digits_is_cut_off_per_issue(keeper_user):
    issue = answered(keeper_user)
    for _attempt in range(services.MOBILE_CHECK_FAILURES):
        with pytest.raises(services.MobileCheckFailed):
            services.rate_issue(issue=issue, rating="satisfied", mobile_last4="0000")
    with pytest.raises(services.RateLimited):  # even the right digits, for the next hour
        services.rate_issue(issue=issue, rating="satisfied", mobile_last4=MOBILE[-4:])
    assert Issue.objects.get(pk=issue.pk).rated_at is None


def test_not_satisfied_needs_a_reason_is_flagged_to_the_keepers_and_may_be_taken_up_again(
        client, keeper_user, django_capture_on_commit_callbacks):
    issue = answered(keeper_user)
    with pytest.raises(services.ValidationError):
        services.rate_issue(issue=issue, rating="not_satisfied", mobile_last4=MOBILE[-4:])
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_issue(issue=issue, rating="not_satisfied", comment="占道经营依旧", mobile_last4=MOBILE[-4:])
    issue.refresh_from_db()
    # Recorded, not reopened: the status page still shows the released answer.
    assert issue.status == IssueStatus.ANSWERED and issue.rating == ConstituentRating.NOT_SATISFIED
    flag = Notification.objects.get(kind=Kind.STATION_ISSUE_EVENT, recipient_user=keeper_user)
    assert "不满意" in flag.subject and "占道经营依旧" in flag.body
    # The keeper's follow-up list and the issue page show it, with the move to take it up again.
    client.force_login(keeper_user)
    queue = client.get(reverse("liaison_stations:issues"), {"unsatisfied": "on"}).content.decode()
    assert reverse("liaison_stations:issue", args=[issue.pk]) in queue
    other = answered(keeper_user, station=issue.station)
    assert reverse("liaison_stations:issue", args=[other.pk]) not in queue
    page = client.get(reverse("liaison_stations:issue", args=[issue.pk])).content.decode()
    assert "占道经营依旧" in page and "群众不满意，重新办理" in page
    with pytest.raises(services.ValidationError):  # a satisfied answer is not reopened
        services.reopen_issue(issue=other, actor=keeper_user)
    response = client.post(reverse("liaison_stations:issue", args=[issue.pk]),
                           {"action": "reopen", "reopen-note": "再次联系城管"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN and issue.rating == "" and issue.rated_at is None
    assert issue.events.filter(move="rate", note="不满意").exists()
    # Answered again, the new answer can be rated.
    services.answer_issue(issue=issue, answer="城管已设置临时疏导点。", actor=keeper_user)
    services.rate_issue(issue=Issue.objects.get(pk=issue.pk), rating="satisfied", mobile_last4=MOBILE[-4:])
    assert Issue.objects.get(pk=issue.pk).rating == "satisfied"


def test_a_satisfied_rating_tells_no_one(keeper_user, django_capture_on_commit_callbacks):
    issue = answered(keeper_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_issue(issue=issue, rating="satisfied", mobile_last4=MOBILE[-4:])
    assert not Notification.objects.filter(kind=Kind.STATION_ISSUE_EVENT).exists()


def test_ratings_count_in_the_station_figures(keeper_user):
    station = f.station_with_keeper(keeper_user)
    ratings = ["satisfied", "mostly", "not_satisfied"]
    for rating in ratings:
        issue = answered(keeper_user, station=station)
        services.rate_issue(issue=issue, rating=rating, comment="x", mobile_last4=MOBILE[-4:])
    answered(keeper_user, station=station)  # not rated
    row = selectors.station_figures(year=timezone.localdate().year).get(pk=station.pk)
    assert (row.issues_raised, row.issues_rated, row.issues_satisfied) == (4, 3, 2)

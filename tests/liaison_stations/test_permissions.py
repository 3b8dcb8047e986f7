"""Each role sees and does only its own part; another role's object is a 404."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import Issue, IssueStatus
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(keeper_user, deputy_user, unit_user):
    """Two stations: ours (kept by keeper_user, deputy_user stationed, one issue
    forwarded to unit_user's unit) and theirs (nobody of ours)."""
    ours = f.station_with_keeper(keeper_user)
    f.StationingFactory(station=ours, deputy=deputy_user.deputy)
    theirs = f.StationFactory()
    ours_open = f.IssueFactory(station=ours)
    ours_forwarded = f.IssueFactory(station=ours)
    services.forward_issue(issue=ours_forwarded, unit=unit_user.handling_unit, actor=keeper_user)
    theirs_open = f.IssueFactory(station=theirs)
    theirs_forwarded = f.IssueFactory(station=theirs)
    services.forward_issue(issue=theirs_forwarded, unit=df.HandlingUnitFactory(), actor=df.staff_user())
    return {"ours": ours, "theirs": theirs, "ours_open": ours_open, "ours_forwarded": ours_forwarded,
            "theirs_open": theirs_open, "theirs_forwarded": theirs_forwarded}


def visible(user):
    return set(Issue.objects.visible_to(user).values_list("pk", flat=True))


def test_issue_visibility_per_role(world, keeper_user, deputy_user, unit_user, staff_user):
    w = world
    assert visible(keeper_user) == {w["ours_open"].pk, w["ours_forwarded"].pk}
    assert visible(deputy_user) == {w["ours_open"].pk, w["ours_forwarded"].pk}
    assert visible(unit_user) == {w["ours_forwarded"].pk}
    assert len(visible(staff_user)) == 4
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_a_deputy_who_left_the_station_no_longer_sees_its_issues(world, deputy_user):
    world["ours"].stationings.filter(deputy=deputy_user.deputy).update(is_active=False)
    assert visible(deputy_user) == set()


def test_other_stations_issues_answer_404(client, world, keeper_user, deputy_user, unit_user):
    for user in (keeper_user, deputy_user):
        client.force_login(user)
        assert client.get(reverse("liaison_stations:issue", args=[world["theirs_open"].pk])).status_code == 404
        assert client.get(reverse("liaison_stations:issue", args=[world["ours_open"].pk])).status_code == 200
    client.force_login(unit_user)
    assert client.get(reverse("liaison_stations:unit_issue", args=[world["theirs_forwarded"].pk])).status_code == 404
    assert client.get(reverse("liaison_stations:unit_issue", args=[world["ours_open"].pk])).status_code == 404
    assert client.get(reverse("liaison_stations:unit_issue", args=[world["ours_forwarded"].pk])).status_code == 200


def test_keeper_records_only_at_own_stations(client, world, keeper_user):
    client.force_login(keeper_user)
    for name in ("visit_new", "visits", "rota"):
        assert client.get(reverse(f"liaison_stations:{name}", args=[world["ours"].pk])).status_code == 200
        assert client.get(reverse(f"liaison_stations:{name}", args=[world["theirs"].pk])).status_code == 404
    assert client.get(reverse("liaison_stations:ledger", args=[world["theirs"].pk, "visits"])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.record_visit(station=world["theirs"], received_on=timezone.localdate(), actor=keeper_user)


def test_deputy_handles_issues_but_does_not_keep_the_register(client, world, deputy_user):
    client.force_login(deputy_user)
    assert client.get(reverse("liaison_stations:visit_new", args=[world["ours"].pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.record_visit(station=world["ours"], received_on=timezone.localdate(), actor=deputy_user)
    response = client.post(reverse("liaison_stations:issue", args=[world["ours_open"].pk]),
                           {"action": "answer", "answer-answer": "代表当场作了解释"})
    assert response.status_code == 302
    assert Issue.objects.get(pk=world["ours_open"].pk).status == IssueStatus.ANSWERED
    with pytest.raises(PermissionDenied):
        services.answer_issue(issue=world["theirs_open"], answer="x", actor=deputy_user)


def test_unit_only_gives_feedback_on_issues_forwarded_to_it(world, unit_user, keeper_user):
    with pytest.raises(PermissionDenied):
        services.give_feedback(issue=world["theirs_forwarded"], feedback="x", actor=unit_user)
    with pytest.raises(PermissionDenied):
        services.give_feedback(issue=world["ours_forwarded"], feedback="x", actor=keeper_user)
    with pytest.raises(PermissionDenied):
        services.answer_issue(issue=world["ours_open"], answer="x", actor=unit_user)
    services.give_feedback(issue=world["ours_forwarded"], feedback="已处理", actor=unit_user)


def test_unit_and_public_are_kept_out_of_the_workspace(client, world, unit_user):
    assert client.get(reverse("liaison_stations:issues")).status_code == 302  # to sign-in
    client.force_login(unit_user)
    assert client.get(reverse("liaison_stations:issues")).status_code == 403
    assert client.get(reverse("liaison_stations:workspace")).status_code == 302  # to the unit's own page
    assert client.get(reverse("liaison_stations:figures")).status_code == 403


def test_unit_never_sees_who_raised_the_issue(client, world, unit_user):
    client.force_login(unit_user)
    html = client.get(reverse("liaison_stations:unit_issue", args=[world["ours_forwarded"].pk])).content.decode()
    assert world["ours_forwarded"].raised_by_contact not in html
    assert world["ours_forwarded"].raised_by_name not in html


def test_figures_and_rating_are_for_staff(client, world, keeper_user, staff_user):
    client.force_login(keeper_user)
    assert client.get(reverse("liaison_stations:figures")).status_code == 403
    assert client.get(reverse("liaison_stations:rating")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.designate_model_station(station=world["ours"], year=2025, actor=keeper_user)
    client.force_login(staff_user)
    assert client.get(reverse("liaison_stations:figures")).status_code == 200
    assert client.get(reverse("liaison_stations:rating")).status_code == 200


def test_public_pages_show_no_personal_data(client, world, deputy_user):
    deputy = deputy_user.deputy
    for url in (reverse("liaison_stations:station", args=[world["ours"].pk]),
                reverse("liaison_stations:deputy", args=[deputy.pk]),
                reverse("liaison_stations:directory")):
        html = client.get(url).content.decode()
        assert deputy.phone not in html and deputy.id_number not in html
        assert world["ours_open"].raised_by_contact not in html

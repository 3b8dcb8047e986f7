"""An issue taken up by a stationed deputy as a formal suggestion, with the link kept both ways."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from liaison_stations import services
from liaison_stations.models import Issue, IssueStatus
from suggestions.models import Suggestion, SuggestionCategory
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return SuggestionCategory.objects.filter(is_active=True).first() or SuggestionCategory.objects.create(
        code="traffic", name="交通"
    )


def test_deputy_turns_an_issue_into_a_suggestion_from_the_issue_page(client, deputy_user, keeper_user, category):
    station = f.station_with_deputy(deputy_user)
    station.keepers.add(keeper_user)
    issue = f.IssueFactory(station=station, content="镇区到县城的公交班次太少")
    client.force_login(deputy_user)
    page = client.get(reverse("liaison_stations:issue", args=[issue.pk])).content.decode()
    assert "转为代表建议" in page
    response = client.post(reverse("liaison_stations:issue", args=[issue.pk]), {
        "action": "suggest", "suggest-title": "关于增加城乡公交班次的建议", "suggest-category": category.pk,
        "suggest-content": "",
    })
    assert response.status_code == 302
    issue.refresh_from_db()
    suggestion = Suggestion.objects.get()
    # Linked both ways.
    assert issue.suggestion == suggestion and issue.status == IssueStatus.SUGGESTION
    assert list(suggestion.station_issues.all()) == [issue]
    assert suggestion.lead_deputy == deputy_user.deputy and suggestion.content == "镇区到县城的公交班次太少"
    assert issue.taken_up_by == deputy_user.deputy
    # The keeper sees where the issue went, with the suggestion's current state.
    client.force_login(keeper_user)
    page = client.get(reverse("liaison_stations:issue", args=[issue.pk])).content.decode()
    assert "关于增加城乡公交班次的建议" in page and suggestion.get_status_display() in page


def test_only_a_deputy_stationed_there_takes_an_issue_up(deputy_user, keeper_user, category):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    with pytest.raises(ValidationError):
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user, title="x",
                                       category=category)
    f.StationingFactory(station=issue.station, deputy=deputy_user.deputy)
    with pytest.raises(PermissionDenied):  # keepers do not put suggestions in a deputy's name
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=keeper_user, title="x",
                                       category=category)
    other = df.deputy_user()
    with pytest.raises(PermissionDenied):  # nor does one deputy in another's
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=other, title="x",
                                       category=category)
    assert not Suggestion.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.OPEN


def test_an_issue_becomes_one_suggestion_only(deputy_user, category):
    issue = f.IssueFactory(station=f.station_with_deputy(deputy_user))
    services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user, title="一", category=category)
    with pytest.raises(ValidationError) as error:
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user, title="二",
                                       category=category)
    assert error.value.code == "conflict"
    assert Suggestion.objects.count() == 1


def test_a_refused_suggestion_leaves_the_issue_open(deputy_user, category):
    issue = f.IssueFactory(station=f.station_with_deputy(deputy_user))
    category.is_active = False
    category.save()
    with pytest.raises(ValidationError):
        services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user, title="一",
                                       category=category)
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.OPEN
    assert not Suggestion.objects.exists()

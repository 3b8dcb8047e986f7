"""全团建议: the delegation's contact drafts, the head approves or returns, then
it is reviewed like any suggestion; nobody else acts on it, and it is not the
contact's own suggestion in the duty record."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congress_portal.notifications.services import Recipient
from deputies.models import Delegation
from suggestions import services
from suggestions.models import Status, Suggestion
from suggestions.notices.events import event_messages
from tests.deputies import factories as df
from tests.suggestions.factories import category

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    term = df.TermFactory()
    contact, head, other = (df.deputy_user(deputy=df.MandateFactory(term=term).deputy) for _ in range(3))
    delegation = Delegation.objects.create(term=term, name="长沙代表团", head=head.deputy, contact=contact.deputy)
    return type("Team", (), {"term": term, "contact": contact, "head": head, "other": other, "delegation": delegation})


def draft(team, **kwargs):
    kwargs.setdefault("title", "关于长株潭城际轨道公交化运营的建议")
    kwargs.setdefault("content", "建议加密班次，实行公交化票价。")
    kwargs.setdefault("category", category("transport"))
    return services.draft_delegation_suggestion(delegation=team.delegation, actor=team.contact, **kwargs)


def told(event_pk):
    return {m.recipient for m in event_messages([event_pk])}


def test_contact_drafts_head_returns_then_approves_and_staff_review_it(team):
    with pytest.raises(PermissionDenied):
        services.draft_delegation_suggestion(delegation=team.delegation, actor=team.other, title="x")
    s = draft(team)
    assert s.delegation == team.delegation and s.status == Status.DRAFT
    with pytest.raises(ValidationError, match="团长审定"):
        services.submit_draft(suggestion=s, actor=team.contact)

    event = services.submit_to_head(suggestion=s, actor=team.contact)
    assert Recipient.deputy(team.head.deputy.pk) in told(event.pk)
    s.refresh_from_db()
    assert s.status == Status.AWAITING_HEAD
    # Not yet a suggestion: staff lists do not count it; only the head (and the contact) see it.
    assert not Suggestion.objects.submitted().filter(pk=s.pk).exists()
    assert Suggestion.objects.visible_to(team.head).filter(pk=s.pk).exists()
    assert not Suggestion.objects.visible_to(team.other).filter(pk=s.pk).exists()
    with pytest.raises(PermissionDenied):
        services.approve_by_head(suggestion=s, actor=team.other)
    with pytest.raises(PermissionDenied):
        services.approve_by_head(suggestion=s, actor=team.contact)

    with pytest.raises(ValidationError):
        services.return_by_head(suggestion=s, actor=team.head, reason=" ")
    event = services.return_by_head(suggestion=s, actor=team.head, reason="补充近三年客流数据。")
    assert Recipient.deputy(team.contact.deputy.pk) in told(event.pk)
    s.refresh_from_db()
    assert s.status == Status.DRAFT
    services.update_draft(suggestion=s, actor=team.contact, content="近三年客流年均增长12%，建议加密班次。")
    services.submit_to_head(suggestion=s, actor=team.contact)
    services.approve_by_head(suggestion=s, actor=team.head, note="同意以代表团名义提出。")
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED and s.deputy_level == team.term.congress.level
    assert Suggestion.objects.submitted().filter(pk=s.pk).exists()
    staff = df.staff_user()
    services.register_suggestion(suggestion=s, actor=staff)
    s.refresh_from_db()
    assert s.number == 1 and s.status == Status.REGISTERED


def test_an_incomplete_draft_is_not_sent_and_a_delegation_without_head_is_refused(team):
    s = draft(team, content="")
    with pytest.raises(ValidationError):
        services.submit_to_head(suggestion=s, actor=team.contact)
    team.delegation.head = None
    team.delegation.save()
    s2 = draft(team)
    with pytest.raises(ValidationError, match="团长"):
        services.submit_to_head(suggestion=s2, actor=team.contact)


def test_it_is_not_the_contacts_own_suggestion_in_the_duty_record(team):
    from training.duty.sources import SuggestionSource

    s = draft(team)
    services.submit_to_head(suggestion=s, actor=team.contact)
    services.approve_by_head(suggestion=s, actor=team.head)
    s.refresh_from_db()
    figures = SuggestionSource().collect(year=s.year, deputy_ids=[team.contact.deputy.pk])
    assert figures.get(team.contact.deputy.pk, {}).get("suggestions_led", 0) == 0


def test_pages_contact_head_and_others(client, team):
    client.force_login(team.contact)
    home = client.get(reverse("suggestions:delegation_home")).content.decode()
    assert reverse("suggestions:delegation_new") in home
    response = client.post(reverse("suggestions:delegation_new"), {
        "delegation": team.delegation.pk, "title": "关于城际轨道公交化的建议", "content": "建议加密班次。",
        "category": category("transport").pk,
    })
    s = Suggestion.objects.get(delegation=team.delegation)
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:delegation_detail", args=[s.pk])
    detail = reverse("suggestions:delegation_detail", args=[s.pk])
    assert 'value="submit_to_head"' in client.get(detail).content.decode()
    assert client.post(detail, {"action": "submit_to_head"}).status_code == 302

    client.force_login(team.head)
    assert detail in client.get(reverse("suggestions:delegation_home")).content.decode()
    assert 'value="approve_by_head"' in client.get(detail).content.decode()
    assert client.post(detail, {"action": "approve_by_head", "note": ""}).status_code == 302
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED

    client.force_login(team.other)
    assert client.get(detail).status_code == 404
    assert reverse("suggestions:delegation_new") not in client.get(reverse("suggestions:delegation_home")).content.decode()

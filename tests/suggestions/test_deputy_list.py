"""我的建议: the deputy's own list is found through the deputy's own rows (led,
co-signature, delegation) and paged by keyset; it holds exactly what
``visible_to`` gives a deputy, drafts aside."""
import pytest
from django.urls import reverse

from suggestions import selectors
from suggestions.models import CoSignature, CoSignState, Status, Suggestion
from tests.suggestions.factories import Actors, in_status

pytestmark = pytest.mark.django_db


def test_the_list_is_what_visible_to_gives_and_pages_by_keyset(client):
    actors = Actors()
    led = [in_status(status, actors)[0] for status in (Status.SUBMITTED, Status.ASSIGNED, Status.CLOSED)]
    in_status(Status.DRAFT, actors)  # a draft: in 草稿, not in the list
    cosigner = Actors()
    cosigner.cosigner_user = actors.deputy_user  # another deputy's items, our deputy invited to co-sign
    theirs = in_status(Status.SUBMITTED, cosigner)[0]  # invited as co-signer of someone else's item
    declined = in_status(Status.SUBMITTED, cosigner)[0]
    CoSignature.objects.filter(suggestion=declined, deputy=actors.deputy).update(state=CoSignState.DECLINED)
    in_status(Status.SUBMITTED)  # a stranger's

    user = actors.deputy_user
    expected = set(Suggestion.objects.visible_to(user).submitted().values_list("pk", flat=True))
    assert expected == {s.pk for s in led} | {theirs.pk}
    assert set(selectors.deputy_suggestions(user=user).values_list("pk", flat=True)) == expected

    seen, after = [], ""
    while True:
        page = selectors.deputy_list_page(user=user, after=after, size=2)
        seen += [s.pk for s in page]
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    newest_first = sorted(Suggestion.objects.filter(pk__in=expected), key=lambda s: (s.submitted_at, s.pk), reverse=True)
    assert seen == [s.pk for s in newest_first]

    client.force_login(user)
    html = client.get(reverse("suggestions:my_list")).content.decode()
    assert all(reverse("suggestions:my_detail", args=[pk]) in html for pk in expected)


def test_a_page_of_the_list_takes_the_same_queries_however_many_items(django_assert_num_queries):
    """The deputy's ids first (their own rows), then the page and its units:
    the count does not grow with the deputy's items."""
    actors = Actors()
    in_status(Status.ASSIGNED, actors)

    def page_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            list(selectors.deputy_list_page(user=actors.deputy_user, size=2))
        return len(ctx)

    few = page_queries()
    for status in (Status.SUBMITTED, Status.ASSIGNED, Status.CLOSED, Status.SUBMITTED):
        in_status(status, actors)
    with django_assert_num_queries(few):
        page = selectors.deputy_list_page(user=actors.deputy_user, size=2)
        assert len(list(page)) == 2

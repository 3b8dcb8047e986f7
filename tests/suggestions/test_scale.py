"""Bounded work per request (issue 14): the lists page by keyset and count
nothing, the keyword is served by the n-gram columns, and the dashboard reads
its summary rows, which the definitions of suggestions/figures.py compute."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from suggestions import figures, selectors, services, summary
from suggestions.models import Assignment, DashboardSummary, Disclosure, Reply, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status
from tests.suggestions.test_figures import rated_items  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def published(actors, n, units):
    items = []
    for _ in range(n):
        s, _, _ = in_status(Status.CLOSED, actors, units=units)
        services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
        items.append(s)
    return items


# ---------------------------------------------------------------- the dashboard's summary rows


def test_dashboard_summary_rows_equal_the_figures_definitions(rated_items):  # noqa: F811
    staff = rated_items["actors"].staff
    summary.refresh_summary()
    assert DashboardSummary.objects.filter(year=0).exists()
    board = selectors.dashboard_figures(user=staff)
    # The same figures, counted here straight from suggestions/figures.py.
    now = timezone.now()
    replies = figures.current_replies(Reply.objects.filter(suggestion__status__in=Status.values)).aggregate(**figures.reply_aggregates())
    owing = figures.owing_replies(Assignment.objects.all()).aggregate(**figures.assignment_aggregates(now))
    assert (board["rated_replies"], board["satisfied_replies"]) == (replies["rated"], replies["satisfied"]) == (5, 4)
    assert (board["first_replies_due"], board["first_replies_on_time"]) == (owing["first_due"], owing["on_time"]) == (5, 4)
    assert board["satisfaction_rate"] == 0.8 and board["on_time_rate"] == 0.8
    by_status = dict(Suggestion.objects.submitted().values_list("status").annotate(n=Count("pk")).order_by())
    assert {row["status"]: row["count"] for row in board["by_status"] if row["count"]} == by_status
    # ... and what the live count over the same scope gives, row for row.
    live = summary.compute_figures(Suggestion.objects.submitted(), now=now)
    assert {k: v for k, v in board.items() if k != "computed_at"} == summary.with_labels(live)
    year = timezone.localdate().year
    assert selectors.staff_dashboard(user=staff, year=year)["figures"]["satisfaction_rate"] == 80.0


def test_the_dashboard_reads_one_row_whatever_the_number_of_suggestions(django_assert_num_queries):
    actors = Actors()
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    in_status(Status.CLOSED, actors, units=units)
    summary.refresh_summary()
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        selectors.staff_dashboard(user=actors.staff)
    for status in (Status.SUBMITTED, Status.ASSIGNED, Status.CLOSED, Status.CLOSED):
        in_status(status, actors, units=units)
    summary.refresh_summary()
    cache.clear()
    with django_assert_num_queries(len(few)):
        board = selectors.staff_dashboard(user=actors.staff)
    assert board["figures"]["submitted"] == 5
    # The row and the years (sessions table): nothing counts suggestions.
    assert not any("suggestions_suggestion" in q["sql"] for q in few.captured_queries)


def test_a_change_marks_the_rows_stale_and_the_next_view_queues_one_refresh(django_capture_on_commit_callbacks, monkeypatch):
    actors = Actors()
    summary.refresh_summary()
    assert not cache.get(summary.STALE_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        in_status(Status.SUBMITTED, actors)
    assert cache.get(summary.STALE_KEY)
    sent = []
    from celery import current_app

    monkeypatch.setattr(current_app, "send_task", lambda name, *a, **k: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        selectors.dashboard_figures(user=actors.staff)
        selectors.dashboard_figures(user=actors.staff)
    assert sent == ["suggestions.tasks.refresh_dashboard_summary"]
    from suggestions.tasks import refresh_dashboard_summary

    refresh_dashboard_summary()
    assert not cache.get(summary.STALE_KEY)
    assert selectors.dashboard_figures(user=actors.staff)["total"] == 1


# ---------------------------------------------------------------- lists by keyset


def test_public_list_pages_by_keyset_newest_published_first(client):
    actors = Actors()
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    items = published(actors, 5, units)
    first = selectors.public_published_page(size=2)
    seen = [s.pk for s in first]
    page = first
    while page.next_cursor:
        page = selectors.public_published_page(size=2, after=page.next_cursor)
        seen += [s.pk for s in page]
    expected = [s.pk for s in sorted(items, key=lambda s: (s.published_at, s.pk), reverse=True)]
    assert seen == expected
    back = selectors.public_published_page(size=2, before=page.previous_cursor)
    assert [s.pk for s in back] == expected[2:4]
    response = client.get(reverse("suggestions:public_list"), {"after": first.next_cursor})
    assert response.status_code == 200
    assert [s.pk for s in response.context["page_obj"]] == expected[2:]


def test_api_lists_page_by_cursor_links_without_a_count():
    actors = Actors()
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    published(actors, 3, units)
    c = APIClient()
    body = c.get("/api/suggestions/public/", {"page_size": 2}).json()
    assert "count" not in body and len(body["results"]) == 2 and "after=" in body["next"]
    rest = c.get(body["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None and "before=" in rest["previous"]
    staff = APIClient()
    staff.force_authenticate(actors.staff)
    listed = staff.get("/api/suggestions/", {"page_size": 2, "status": ["closed"]}).json()
    assert "count" not in listed and len(listed["results"]) == 2
    assert len(staff.get(listed["next"]).json()["results"]) == 1


def test_staff_status_filter_adds_no_distinct():
    actors = Actors()
    params = {"status": [Status.ASSIGNED, Status.CLOSED]}
    sql = str(selectors.staff_suggestion_list(user=actors.staff, params=params).query)
    assert "DISTINCT" not in sql.upper()


def test_a_bad_cursor_shows_the_first_page(client):
    actors = Actors()
    published(actors, 1, [df.HandlingUnitFactory(), df.HandlingUnitFactory()])
    for cursor in ("x.1", "1", "99999999999999999999.1", "-99999999999999999.1"):
        response = client.get(reverse("suggestions:public_list"), {"after": cursor})
        assert response.status_code == 200


# ---------------------------------------------------------------- the keyword through the n-gram columns


@pytest.mark.postgres
def test_the_keyword_is_served_by_the_ngram_columns():
    actors = Actors()
    published(actors, 1, [df.HandlingUnitFactory(), df.HandlingUnitFactory()])
    public = str(selectors.public_published_list(params={"keyword": "公路"}).query)
    staff = str(selectors.staff_suggestion_list(user=actors.staff, params={"keyword": "公路"}).query)
    assert '"suggestions_suggestion"."search_ngrams" @@' in public
    assert '"suggestions_suggestion"."search_ngrams" @@' in staff
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname IN ('suggestion_text_ngrams', 'reply_letter_ngrams')")
        assert sorted(row[0] for row in cursor.fetchall()) == ["reply_letter_ngrams", "suggestion_text_ngrams"]

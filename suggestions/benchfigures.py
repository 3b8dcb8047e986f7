"""What ``bin/bench scale`` prints: each page's in-process median time (the
whole request: middleware, template), its query count, and the time of the
raw SQL returning the same rows (the floor). Asserts nothing."""
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_portal.accounts.models import User
from congress_portal.keyset import _cursor
from congress_portal.search import tsquery

from . import selectors
from .models import Suggestion

RUNS = 15


def median_ms(action, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def print_figures(out):
    staff = User.objects.get(username="scale-staff")
    unit_user = User.objects.get(username="scale-unit")
    total = Suggestion.objects.count()
    # The 10,000th public page's cursor: the last row of page 9,999 (20 a page).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published_at, id FROM suggestions_suggestion WHERE published_at IS NOT NULL "
            "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1", [20 * 4999 - 1]
        )
        deep = cursor.fetchone()
        if deep is None:  # a small set: its last page
            cursor.execute(
                "SELECT published_at, id FROM suggestions_suggestion WHERE published_at IS NOT NULL "
                "ORDER BY published_at, id OFFSET 20 LIMIT 1"
            )
            deep = cursor.fetchone()
    deep_row = Suggestion(published_at=deep[0], id=deep[1])
    deep_cursor = _cursor(deep_row, ("published_at", "id"))
    public_sql = (
        "SELECT s.id, s.title, d.name, c.name FROM suggestions_suggestion s JOIN deputies_deputy d ON d.id = s.lead_deputy_id "
        "JOIN suggestions_suggestioncategory c ON c.id = s.category_id "
        "WHERE s.published_at IS NOT NULL AND s.disclosure IN ('full', 'summary') {where} "
        "ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
    )
    staff_sql = (
        "SELECT s.id, s.title, d.name FROM suggestions_suggestion s JOIN deputies_deputy d ON d.id = s.lead_deputy_id "
        "WHERE s.status <> 'draft' {where} ORDER BY s.submitted_at DESC, s.id DESC LIMIT 21"
    )
    inbox_sql = (
        "SELECT a.id, s.title FROM suggestions_assignment a JOIN suggestions_suggestion s ON s.id = a.suggestion_id "
        "WHERE a.unit_id = %s AND a.is_active ORDER BY a.reply_due_at, a.id LIMIT 20"
    )
    word = "乡村振兴"
    cases = [
        ("public list, page 1", None, reverse("suggestions:public_list"), {}, public_sql.format(where=""), []),
        ("public list, page 5,000 (keyset)", None, reverse("suggestions:public_list"), {"after": deep_cursor},
         public_sql.format(where="AND (s.published_at, s.id) < (%s, %s)"), list(deep)),
        (f"public keyword ({word})", None, reverse("suggestions:public_list"), {"q": word},
         public_sql.format(where="AND s.search_ngrams @@ %s::tsquery AND s.title ILIKE %s"), [tsquery(word), f"%{word}%"]),
        ("public keyword (公路)", None, reverse("suggestions:public_list"), {"q": "公路"},
         public_sql.format(where="AND s.search_ngrams @@ %s::tsquery AND s.title ILIKE %s"), [tsquery("公路"), "%公路%"]),
        ("staff list, page 1", staff, reverse("suggestions:staff_list"), {}, staff_sql.format(where=""), []),
        ("staff list ?status=assigned", staff, reverse("suggestions:staff_list"), {"status": "assigned"},
         staff_sql.format(where="AND s.status = 'assigned'"), []),
        ("staff keyword (公路)", staff, reverse("suggestions:staff_list"), {"q": "公路"},
         staff_sql.format(where="AND s.search_ngrams @@ %s::tsquery AND s.title ILIKE %s"), [tsquery("公路"), "%公路%"]),
        ("staff dashboard", staff, reverse("suggestions:staff_dashboard"), {},
         "SELECT figures FROM suggestions_dashboardsummary WHERE year = 0", []),
        ("unit inbox", unit_user, reverse("suggestions:unit_inbox"), {}, inbox_sql, [unit_user.handling_unit_id]),
        ("API public list", None, "/api/suggestions/public/", {}, public_sql.format(where=""), []),
        ("API staff list ?status=assigned", staff, "/api/suggestions/", {"status": "assigned"},
         staff_sql.format(where="AND s.status = 'assigned'"), []),
    ]  # fmt: skip
    out.write(f"\nscale benchmark: {total:,} suggestions ({connection.vendor}); medians of {RUNS} runs")
    # The list's reads alone (what the raw SQL is the floor of), beside the whole page.
    reads = {
        "public list, page 1": lambda: list(selectors.public_published_page()),
        "public list, page 5,000 (keyset)": lambda: list(selectors.public_published_page(after=deep_cursor)),
        f"public keyword ({word})": lambda: list(selectors.public_published_page(params={"keyword": word})),
        "public keyword (公路)": lambda: list(selectors.public_published_page(params={"keyword": "公路"})),
        "staff list, page 1": lambda: list(selectors.staff_list_page(user=staff)),
        "staff list ?status=assigned": lambda: list(selectors.staff_list_page(user=staff, params={"status": ["assigned"]})),
        "staff keyword (公路)": lambda: list(selectors.staff_list_page(user=staff, params={"keyword": "公路"})),
        "staff dashboard": lambda: selectors.staff_dashboard(user=staff),
        "unit inbox": lambda: list(selectors.unit_inbox_open_first(user=unit_user)[:20]),
    }
    out.write("  page: the whole request in-process; reads: the selector alone; raw SQL: the same rows by hand")
    out.write(f"  {'page':<36} {'page':>9} {'reads':>9} {'queries':>8} {'raw SQL':>9}")
    for label, user, url, params, sql, sql_params in cases:
        client = Client(SERVER_NAME="localhost")
        if user is not None:
            client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        page_ms = median_ms(lambda: client.get(url, params))
        raw_ms = median_ms(_raw(sql, sql_params))
        reads_ms = f"{median_ms(reads[label]):>7.1f}ms" if label in reads else f"{'':>9}"
        out.write(f"  {label:<36} {page_ms:>7.1f}ms {reads_ms} {len(ctx.captured_queries):>8} {raw_ms:>7.2f}ms")

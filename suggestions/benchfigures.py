"""What ``bin/bench scale`` prints: each page's in-process median time (the
whole request: middleware, template), its query count, and the time of the
raw SQL returning the same rows (the floor). Asserts nothing."""
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_portal import public_cache
from congress_portal.accounts.models import User
from congress_portal.keyset import _cursor
from congress_portal.search import tsquery

from . import selectors
from .models import Suggestion
from .public_pages import PUBLIC_PAGES

RUNS = 15


def median_ms(action, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _count(action):
    """The queries ``action`` makes. The connection keeps the last 9,000
    queries only: once full, a capture sees none, so the log is emptied first."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        result = action()
    return len(ctx.captured_queries), result


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

        def get(client=client, url=url, params=params, anonymous=user is None):
            if anonymous:  # the public pages are cached: measure building one (a new version, nothing cached)
                public_cache.bump(PUBLIC_PAGES)
            return client.get(url, params)

        response = get()
        assert response.status_code == 200, (url, response.status_code)
        queries, _response = _count(get)
        page_ms = median_ms(get)
        raw_ms = median_ms(_raw(sql, sql_params))
        reads_ms = f"{median_ms(reads[label]):>7.1f}ms" if label in reads else f"{'':>9}"
        out.write(f"  {label:<36} {page_ms:>7.1f}ms {reads_ms} {queries:>8} {raw_ms:>7.2f}ms")


NEW_TEXT = ("关于加快农村公路养护和乡村振兴道路建设的建议",
            "我县部分乡村公路年久失修，路面破损严重，雨季出行困难，建议加大养护资金投入，完善农村公路管护机制。")


def _measure(out, label, action, floor=None):
    queries, _result = _count(action)
    ms = median_ms(action)
    raw = f"{median_ms(floor):>7.2f}ms" if floor else f"{'':>9}"
    out.write(f"  {label:<46} {ms:>7.1f}ms {queries:>8} {raw}")


def print_more_figures(out):
    """The public detail (built, and from the cache), the cached public list,
    the deputy's own list, and similar suggestions and recommended units for a
    new text (issue #18)."""
    from . import recommend
    from .views.similar import similar_items

    staff = User.objects.get(username="scale-staff")
    deputy_user = User.objects.get(username="scale-deputy")
    detail_pk = (Suggestion.objects.filter(published_at__isnull=False).order_by("-published_at", "-pk")
                 .values_list("pk", flat=True)[1000])
    detail_url = reverse("suggestions:public_detail", args=[detail_pk])
    list_url = reverse("suggestions:public_list")
    anonymous = Client(SERVER_NAME="localhost")
    deputy = Client(SERVER_NAME="localhost")
    deputy.force_login(deputy_user)

    def built(url):
        def get():
            public_cache.bump(PUBLIC_PAGES)  # every run builds the page (a new version: nothing cached)
            assert anonymous.get(url).status_code == 200
        return get

    def cached(url):
        anonymous.get(url)
        return lambda: anonymous.get(url)

    def detail_floor():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.*, d.name, c.name FROM suggestions_suggestion s JOIN deputies_deputy d ON d.id = s.lead_deputy_id "
                "LEFT JOIN suggestions_suggestioncategory c ON c.id = s.category_id WHERE s.id = %s", [detail_pk])
            cursor.fetchall()
            cursor.execute("SELECT r.*, a.unit_id FROM suggestions_reply r JOIN suggestions_assignment a ON a.id = r.assignment_id "
                           "WHERE r.suggestion_id = %s AND r.is_current", [detail_pk])
            cursor.fetchall()
            cursor.execute("SELECT * FROM suggestions_suggestionevent WHERE suggestion_id = %s AND is_public ORDER BY at, id",
                           [detail_pk])
            cursor.fetchall()

    deputy_id = deputy_user.deputy.pk
    deputy_sql = (
        "SELECT s.id, s.title FROM suggestions_suggestion s WHERE s.id IN (SELECT id FROM suggestions_suggestion "
        "WHERE lead_deputy_id = %s UNION ALL SELECT suggestion_id FROM suggestions_cosignature WHERE deputy_id = %s) "
        "AND s.status <> 'draft' ORDER BY s.submitted_at DESC, s.id DESC LIMIT 21"
    )
    words = tsquery("公路")
    out.write(f"\n  {'more':<46} {'median':>9} {'queries':>8} {'raw SQL':>9}")
    _measure(out, "public detail (built: cache bumped each run)", built(detail_url), detail_floor)
    _measure(out, "public detail (anonymous, from the cache)", cached(detail_url))
    _measure(out, "public list page 1 (anonymous, from the cache)", cached(list_url))
    _measure(out, "public league table (anonymous, from the cache)", cached(reverse("suggestions:public_units")))
    _measure(out, "deputy's own list, page 1 (keyset)", lambda: deputy.get(reverse("suggestions:my_list")),
             _raw(deputy_sql, [deputy_id, deputy_id]))
    _measure(out, "similar suggestions for a new text (#18)",
             lambda: similar_items(user=staff, title=NEW_TEXT[0], content=NEW_TEXT[1]),
             _raw("SELECT id FROM suggestions_suggestion WHERE search_ngrams @@ %s::tsquery LIMIT 300", [words]))
    _measure(out, "recommended units for a new text (#18)",
             lambda: recommend.recommend_units(title=NEW_TEXT[0], content=NEW_TEXT[1]))


def print_reminder_scan(out):
    """The daily reminder scan over every open item: a first run (the
    notifications emptied, as on the day the portal starts), then the same
    scan again with nothing new. Sends are not queued (no broker here)."""
    from congress_portal.notifications import registry, services

    dispatch = services.dispatch
    services.dispatch = lambda ids: None
    try:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notifications_delivery, notifications_notification, notifications_scanwatermark")
        out.write("\n  reminder scan")
        for label in ("first run (nothing said yet)", "repeat, nothing new"):
            started = time.perf_counter()
            queries, result = _count(registry.scan)
            seconds = time.perf_counter() - started
            out.write(f"  {label:<46} {seconds:>7.2f} s {queries:>8} queries, "
                      f"{len(result.messages):,} due, {result.recorded:,} recorded")
            if label.startswith("first"):
                with connection.cursor() as cursor:  # what autovacuum does after a bulk insert
                    cursor.execute("VACUUM ANALYZE notifications_notification")
    finally:
        services.dispatch = dispatch

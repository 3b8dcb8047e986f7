"""Benchmark: the suggestion lists and the dashboard at 1,000,000 suggestions.

    bin/bench scale [--suggestions 1000000] [--build-only]

Builds the structure of a province (``seed_deputies --scale 1000``), 400
handling units, then copies suggestions up to ``--suggestions`` in set-based
SQL (generate_series, a few statements per 100,000 rows): statuses in the
proportions of a real year, assignments (a lead unit, half with a co-handling
unit), current replies, ratings of the closed ones, two events each, about two
in five replied items published. Then refreshes the dashboard's summary rows
and prints, for each page, the in-process median time, its query count, and
the time of the raw SQL returning the same rows (the floor). Asserts nothing."""
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from congress_portal.accounts.models import Role, User
from deputies.models import Deputy, HandlingUnit, Session, Term

CHUNK = 100_000
UNITS = 400
WORDS = ["公路", "教育", "医疗", "养老", "农田", "环境", "就业", "住房", "水利", "乡村振兴", "营商环境", "食品安全"]
# Statuses out of 100 rows: most of a year's items are closed or being handled.
STATUS_SHARES = [
    ("submitted", 5), ("not_registered", 2), ("registered", 3), ("assigned", 30), ("replied", 15),
    ("rehandling", 3), ("closed", 40), ("followup", 2),
]  # fmt: skip
ASSIGNED = ("assigned", "replied", "rehandling", "closed", "followup")
REPLIED = ("replied", "closed", "followup")


def status_case(column):
    """SQL CASE giving a status from ``column`` in 0..99, by STATUS_SHARES."""
    whens, upto = [], 0
    for status, share in STATUS_SHARES:
        upto += share
        whens.append(f"WHEN {column} < {upto} THEN '{status}'")
    return "CASE " + " ".join(whens) + " END"


class Command(BaseCommand):
    help = "百万件建议规模下建议列表、检索与统计首页的性能基准。"

    def add_arguments(self, parser):
        parser.add_argument("--suggestions", type=int, default=1_000_000)
        parser.add_argument("--build-only", action="store_true")
        parser.add_argument("--keep-summary", action="store_true", help="measure with the summary rows already there")
        parser.add_argument("--no-reminders", action="store_true", help="skip the reminder scan (its first run takes minutes)")

    def handle(self, *args, suggestions, build_only, keep_summary, no_reminders, **options):
        out = self.stdout.write
        started = time.monotonic()
        if not Term.objects.exists():
            out("building the structure: seed_deputies --scale 1000 ...")
            call_command("seed_deputies", scale=1000, no_users=True, stdout=self.stdout)
        self.units_and_users()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM suggestions_suggestion")
            have = cursor.fetchone()[0]
        if have < suggestions:
            self.copy_up(have, suggestions)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            out(f"copied suggestions {have:,} -> {suggestions:,}; build {time.monotonic() - started:.0f} s")
        if build_only:
            return
        from suggestions import summary
        from suggestions.benchfigures import print_figures, print_more_figures, print_reminder_scan

        if not keep_summary:
            refresh_started = time.monotonic()
            summary.refresh_summary()
            out(f"dashboard summary refreshed in {time.monotonic() - refresh_started:.1f} s")
        print_figures(self.stdout)
        print_more_figures(self.stdout)
        if not no_reminders:
            print_reminder_scan(self.stdout)
        out(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # -------------------------------------------------------------- data

    def units_and_users(self):
        have = HandlingUnit.objects.filter(code__startswith="SCALE").count()
        if have < UNITS:
            HandlingUnit.objects.bulk_create(
                HandlingUnit(name=f"规模承办单位{i:03d}", short_name=f"单位{i:03d}", code=f"SCALE{i:03d}")
                for i in range(have, UNITS)
            )
        unit = HandlingUnit.objects.filter(code__startswith="SCALE").order_by("pk").first()
        if not User.objects.filter(username="scale-staff").exists():
            User.objects.create_user(username="scale-staff", role=Role.STAFF, password=None)
            User.objects.create_user(username="scale-unit", role=Role.UNIT, handling_unit=unit, password=None)
        if not User.objects.filter(username="scale-deputy").exists():
            # The first of the deputies the suggestions are spread over (about 200 items each at 1,000,000).
            deputy = Deputy.objects.filter(user__isnull=True).order_by("pk").first()
            deputy.user = User.objects.create_user(username="scale-deputy", role=Role.DEPUTY, password=None)
            deputy.save(update_fields=["user"])

    def copy_up(self, have, want):
        sessions = list(Session.objects.order_by("pk").values_list("pk", "year", "term__congress_id")[:20]) or [(None, 2025, None)]
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_session (n int PRIMARY KEY, session_id bigint, year smallint, congress_id bigint)"
            )
            cursor.executemany("INSERT INTO bench_session VALUES (%s, %s, %s, %s)", [(i, *row) for i, row in enumerate(sessions)])
            cursor.execute(
                "CREATE TEMP TABLE bench_unit AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
                "FROM deputies_handlingunit WHERE code LIKE 'SCALE%%'"
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_deputy AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
                "FROM (SELECT id FROM deputies_deputy ORDER BY id LIMIT 5000) d"
            )
            cursor.execute("SELECT count(*) FROM bench_deputy")
            n_deputies = cursor.fetchone()[0]
            cursor.execute("SELECT array_agg(id ORDER BY id) FROM suggestions_suggestioncategory")
            categories = cursor.fetchone()[0]
            cursor.execute("SELECT array_agg(id ORDER BY code) FROM suggestions_resultcategory")
            results = cursor.fetchone()[0]
            for start in range(have, want, CHUNK):
                stop = min(start + CHUNK, want)
                self.copy_chunk(cursor, start, stop, n_deputies, len(sessions), categories, results)
                self.stdout.write(f"  {stop:,} suggestions")
            cursor.execute("DROP TABLE bench_session, bench_unit, bench_deputy")

    def copy_chunk(self, cursor, start, stop, n_deputies, n_sessions, categories, results):
        params = {
            "start": start, "stop": stop, "words": WORDS, "n_words": len(WORDS), "n_deputies": n_deputies,
            "n_sessions": n_sessions, "categories": categories, "n_categories": len(categories), "results": results,
            "assigned": list(ASSIGNED), "replied": list(REPLIED),
        }  # fmt: skip
        # i -> a status by its share, a submission time in the last two years, a session and its year.
        cursor.execute(
            f"""
            WITH rows AS (
                SELECT i, {status_case("(i * 37) %% 100")} AS status,
                       now() - make_interval(days => 1 + (i * 13) %% 700, mins => (i * 7) %% 1440) AS submitted,
                       (%(words)s::text[])[1 + (i * 3) %% %(n_words)s] AS word,
                       (%(words)s::text[])[1 + (i * 5) %% %(n_words)s] AS word2
                FROM generate_series(%(start)s, %(stop)s - 1) AS i
            ), made AS (
                INSERT INTO suggestions_suggestion (
                    title, content, during_session, year, deputy_level, number, disclosure_consent, entered_by_staff,
                    status, handling_mode, not_registered_reason, forwarded_as_letter, submitted_at, registered_at,
                    assigned_at, reply_due_at, extension_reason, replied_at, closed_at, rehandling_count, disclosure,
                    public_summary, published_at, created_at, updated_at, lead_deputy_id, session_id, category_id, reference,
                    congress_id)
                SELECT '关于加强' || word || '工作的建议' || i,
                       '建议进一步加强' || word || '和' || word2 || '方面的工作，加大投入，完善机制，切实解决群众反映的问题。',
                       i %% 2 = 0, s.year, 'provincial', NULL, true, false, status,
                       CASE WHEN status = ANY(%(assigned)s) THEN 'lead' ELSE '' END, '', false, submitted,
                       CASE WHEN status NOT IN ('submitted', 'not_registered') THEN submitted + interval '5 days' END,
                       CASE WHEN status = ANY(%(assigned)s) THEN submitted + interval '10 days' END,
                       CASE WHEN status = ANY(%(assigned)s) THEN submitted + interval '100 days' END,
                       '',
                       CASE WHEN status = ANY(%(replied)s) THEN submitted + interval '80 days' END,
                       CASE WHEN status IN ('closed', 'followup') THEN submitted + interval '110 days' END,
                       0,
                       CASE WHEN status = ANY(%(replied)s) AND i %% 20 < 9 THEN 'full' ELSE 'undecided' END,
                       '',
                       CASE WHEN status = ANY(%(replied)s) AND i %% 20 < 9 THEN submitted + interval '120 days' END,
                       submitted, submitted,
                       d.id, s.session_id, (%(categories)s::bigint[])[1 + i %% %(n_categories)s],
                       CASE WHEN status NOT IN ('submitted', 'not_registered') THEN '第' || lpad(i::text, 7, '0') || '号' ELSE '' END,
                       s.congress_id
                FROM rows
                JOIN bench_deputy d ON d.n = (rows.i * 17) %% %(n_deputies)s
                JOIN bench_session s ON s.n = rows.i %% %(n_sessions)s
                RETURNING id
            )
            SELECT min(id), max(id) FROM made
            """,
            params,
        )
        low, high = cursor.fetchone()
        params.update(low=low, high=high, n_units=UNITS)
        # Fresh statistics at every step: planned as empty tables, the joins below run as nested loops over seq scans.
        cursor.execute("ANALYZE suggestions_suggestion")
        cursor.execute(
            """
            INSERT INTO suggestions_assignment (role, part, state, is_active, assigned_at, reply_due_at, replied_at,
                                                first_replied_at, first_reply_due_at, opinion_due_at, unit_id, suggestion_id)
            SELECT 'lead', '', CASE WHEN s.status = ANY(%(replied)s) THEN 'replied' ELSE 'acknowledged' END, true,
                   s.assigned_at, s.reply_due_at, s.replied_at, s.replied_at, s.reply_due_at, NULL, u.id, s.id
            FROM suggestions_suggestion s JOIN bench_unit u ON u.n = (s.id * 7) %% %(n_units)s
            WHERE s.id BETWEEN %(low)s AND %(high)s AND s.assigned_at IS NOT NULL
            UNION ALL
            SELECT 'co', '', 'opinion_submitted', true, s.assigned_at, NULL, NULL, NULL, NULL,
                   s.assigned_at + interval '30 days', u.id, s.id
            FROM suggestions_suggestion s JOIN bench_unit u ON u.n = (s.id * 11 + 1) %% %(n_units)s
            WHERE s.id BETWEEN %(low)s AND %(high)s AND s.assigned_at IS NOT NULL AND s.id %% 2 = 0
            """,
            params,
        )
        cursor.execute("ANALYZE suggestions_assignment")
        cursor.execute(
            """
            INSERT INTO suggestions_reply (kind, letter, signed_off_by, replied_at, is_current, assignment_id,
                                           result_category_id, suggestion_id)
            SELECT 'first', '经研究，' || s.title || '所提问题已列入年度工作计划，正在组织实施。', '某厅长', s.replied_at, true,
                   a.id, (%(results)s::bigint[])[1 + (s.id * 3) %% 4], s.id
            FROM suggestions_suggestion s
            JOIN suggestions_assignment a ON a.suggestion_id = s.id AND a.role = 'lead'
            WHERE s.id BETWEEN %(low)s AND %(high)s AND s.status = ANY(%(replied)s)
            """,
            params,
        )
        cursor.execute("ANALYZE suggestions_reply")
        cursor.execute(
            """
            INSERT INTO suggestions_rating (process_rating, result_rating, comment, rated_at, reply_id)
            SELECT CASE WHEN r.id %% 10 = 0 THEN 'mostly' ELSE 'satisfied' END,
                   CASE WHEN r.id %% 25 = 0 THEN 'not_satisfied' WHEN r.id %% 5 = 0 THEN 'mostly' ELSE 'satisfied' END,
                   '', r.replied_at + interval '20 days', r.id
            FROM suggestions_reply r JOIN suggestions_suggestion s ON s.id = r.suggestion_id
            WHERE s.id BETWEEN %(low)s AND %(high)s AND s.status IN ('closed', 'followup')
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO suggestions_suggestionevent (move, from_status, to_status, at, note, is_public,
                                                     visible_to_deputy, suggestion_id)
            SELECT 'submit', '', 'submitted', s.submitted_at, '', true, true, s.id
            FROM suggestions_suggestion s WHERE s.id BETWEEN %(low)s AND %(high)s
            UNION ALL
            SELECT 'bench', 'submitted', s.status,
                   least(coalesce(s.closed_at, s.replied_at, s.assigned_at, s.registered_at, s.submitted_at + interval '5 days'),
                         now() - make_interval(days => 3 + (s.id %% 600))),
                   '', true, true, s.id
            FROM suggestions_suggestion s WHERE s.id BETWEEN %(low)s AND %(high)s AND s.status <> 'submitted'
            """,
            params,
        )

"""Benchmark: the public deputy directory at national scale.

    bin/bench directory [--deputies 2800000]

Builds the structure of a province (``seed_deputies --structure-only``), then
copies deputies and their serving mandates up to ``--deputies`` in set-based
SQL (generate_series, a few statements, minutes not hours), spread over every
term of every level. Then prints, for each page, the in-process median time,
its query count, and the time of the raw SQL returning the same rows (the
floor): page 1, page 10,000 (by its keyset cursor), a county level page, one-
and two-character name searches, and a work-unit search. "page" is the whole
request (middleware, template); "selector" the page's reads alone, compared
with the raw SQL in the last column. Asserts nothing."""
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_portal.search import estimated_matches, tsquery
from deputies import selectors
from deputies.models import Deputy, Level, Term

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明伟芳敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英文辉力志红玲峰斌宇浩凯鹏飞健俊帆瑞雪琳晨欣怡佳"
UNITS = ["第一中学", "人民医院", "农业农村局", "村民委员会", "电力有限公司", "中心小学", "卫生院", "社区居委会",
         "交通运输局", "农民专业合作社", "科技有限公司", "人民法院", "人民检察院", "水利局", "建筑工程公司"]
RUNS = 15


def median_ms(action):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class Command(BaseCommand):
    help = "全国规模代表名录（分页与姓名检索）的性能基准。"

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, default=2_800_000)

    def handle(self, *args, deputies, **options):
        out = self.stdout.write
        if not Term.objects.exists():
            out("building the structure: seed_deputies --scale 1000 ...")
            call_command("seed_deputies", scale=1000, no_users=True, stdout=self.stdout)
        have = Deputy.objects.count()
        if have < deputies:
            started = time.monotonic()
            self.copy_up(have, deputies)
            out(f"copied deputies {have:,} -> {deputies:,} in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE deputies_deputy; ANALYZE deputies_mandate;")
            cursor.execute("SELECT count(*) FROM deputies_mandate WHERE status = 'serving'")
            serving = cursor.fetchone()[0]
        out(f"directory benchmark: {Deputy.objects.count():,} deputies, {serving:,} serving mandates "
            f"({connection.vendor}); medians of {RUNS} runs")
        self.figures()

    # -------------------------------------------------------------- data

    def copy_up(self, have, want):
        terms = list(Term.objects.order_by("pk").values_list("pk", "congress_id", "congress__level", "start_date"))
        # Deputies spread over terms roughly as the five levels are (most at township and county).
        weight = {Level.NATIONAL: 1, Level.PROVINCIAL: 1, Level.PREFECTURE: 2, Level.COUNTY: 8, Level.TOWNSHIP: 20}
        slots = [t for t in terms for _ in range(weight.get(t[2], 1))]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_slot (n int PRIMARY KEY, term_id bigint, congress_id bigint, "
                           "level text, level_rank smallint, start_date date)")
            rank = {value: i for i, value in enumerate(Level.values)}
            cursor.executemany(
                "INSERT INTO bench_slot VALUES (%s, %s, %s, %s, %s, %s)",
                [(i, t[0], t[1], t[2], rank[t[2]], t[3]) for i, t in enumerate(slots)],
            )
            chunk = 400_000
            for start in range(have, want, chunk):
                stop = min(start + chunk, want)
                cursor.execute(
                    """
                    WITH people AS (
                        INSERT INTO deputies_deputy (name, gender, ethnicity, party, occupation, work_unit, title,
                                                     id_number, phone, photo, created_at, updated_at)
                        SELECT substr(%(surnames)s, 1 + (i * 7) %% char_length(%(surnames)s), 1)
                               || substr(%(given)s, 1 + (i * 13) %% char_length(%(given)s), 1)
                               || CASE WHEN i %% 3 = 0 THEN '' ELSE substr(%(given)s, 1 + (i * 29) %% char_length(%(given)s), 1) END,
                               CASE WHEN i %% 3 = 0 THEN 'female' ELSE 'male' END, '汉族', 'none', 'other',
                               (%(units)s::text[])[1 + (i / 7) %% %(n_units)s], '',
                               'B' || lpad(i::text, 17, '0'), '', '', now(), now()
                        FROM generate_series(%(start)s, %(stop)s - 1) AS i
                        RETURNING id
                    )
                    INSERT INTO deputies_mandate (deputy_id, congress_id, term_id, level, level_rank, card_number, status,
                                                  start_date, first_term)
                    SELECT people.id, s.congress_id, s.term_id, s.level, s.level_rank, '', 'serving', s.start_date, true
                    FROM people JOIN bench_slot s ON s.n = people.id %% %(slots)s
                    """,
                    {"surnames": SURNAMES, "given": GIVEN, "units": UNITS, "n_units": len(UNITS), "start": start,
                     "stop": stop, "slots": len(slots)},
                )
                self.stdout.write(f"  {stop:,} deputies")
            cursor.execute("DROP TABLE bench_slot")

    # ----------------------------------------------------------- figures

    def figures(self):
        client = Client(SERVER_NAME="localhost")
        url = reverse("deputies:directory")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT level_rank, congress_id, id FROM deputies_mandate WHERE status = 'serving' "
                "ORDER BY level_rank, congress_id, id OFFSET %s LIMIT 1", [30 * 9999 - 1]
            )
            deep = cursor.fetchone()
        deep_cursor = ".".join(str(v) for v in deep)
        page_sql = (
            "SELECT m.id, d.name, c.name FROM deputies_mandate m JOIN deputies_deputy d ON d.id = m.deputy_id "
            "JOIN deputies_congress c ON c.id = m.congress_id WHERE m.status = 'serving' {where} "
            "ORDER BY m.level_rank, m.congress_id, m.id LIMIT 31"
        )
        search_sql = page_sql.format(
            where="AND m.deputy_id IN (SELECT id FROM deputies_deputy WHERE search_ngrams @@ %s::tsquery "
                  "AND (name ILIKE %s OR work_unit ILIKE %s))"
        )
        cases = [
            ("page 1", {}, page_sql.format(where=""), []),
            ("page 10,000 (keyset)", {"after": deep_cursor}, page_sql.format(where="AND (m.level_rank, m.congress_id, m.id) > (%s, %s, %s)"), list(deep)),
            ("county level, page 1", {"level": Level.COUNTY}, page_sql.format(where="AND m.level_rank = 3"), []),
            ("search 2 characters (建国)", {"q": "建国"}, search_sql, [tsquery("建国"), "%建国%", "%建国%"]),
            ("search 1 character (龚)", {"q": "龚"}, search_sql, [tsquery("龚"), "%龚%", "%龚%"]),
            ("search work unit (人民法院)", {"q": "人民法院"}, search_sql, [tsquery("人民法院"), "%人民法院%", "%人民法院%"]),
            # The same common word with every match joined and sorted (the plan for rare words), for comparison.
            ("人民法院, join every match", {"q": "人民法院"}, search_sql, [tsquery("人民法院"), "%人民法院%", "%人民法院%"]),
        ]
        probe_sql = page_sql.format(
            where="AND EXISTS (SELECT 1 FROM deputies_deputy p WHERE p.id = m.deputy_id AND p.search_ngrams @@ %s::tsquery "
                  "AND (p.name ILIKE %s OR p.work_unit ILIKE %s) OFFSET 0)"
        )
        cases[-2] = (*cases[-2][:2], probe_sql, cases[-2][3])
        self.stdout.write(f"  estimated matches of 人民法院: {estimated_matches('deputies_deputy', '人民法院'):,}; "
                          f"a word above {selectors.COMMON_MATCHES:,} walks the keyset index")
        common = selectors.COMMON_MATCHES
        self.stdout.write(f"  {'page':<30} {'page':>9} {'selector':>9} {'queries':>8} {'raw SQL':>9} {'ratio':>6}")
        for label, params, sql, sql_params in cases:
            selectors.COMMON_MATCHES = 10**9 if "join every match" in label else common
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, params)
            page_ms = median_ms(lambda: client.get(url, params))
            selector_ms = median_ms(lambda: list(selectors.directory_page(**params)))

            def raw():
                with connection.cursor() as cursor:
                    cursor.execute(sql, sql_params)
                    cursor.fetchall()

            raw_ms = median_ms(raw)
            self.stdout.write(
                f"  {label:<30} {page_ms:>7.1f}ms {selector_ms:>7.1f}ms {len(ctx.captured_queries):>8} {raw_ms:>7.2f}ms "
                f"{selector_ms / raw_ms if raw_ms else 0:>5.1f}x"
            )
        selectors.COMMON_MATCHES = common

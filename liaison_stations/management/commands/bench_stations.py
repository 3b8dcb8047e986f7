"""Benchmark: the public station page and the keeper's issue list with
3,000 stations, 140,000 deputies and 500,000 visit records.

Run with ``bin/bench stations`` (PostgreSQL). Builds the data once (deputies
through seed_deputies --scale, stations and visits by bulk_create) and
re-uses it on later runs; prints median and 90th-percentile times and the
query count of each page."""
import random
import statistics
import time

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client

from congress_portal.accounts.models import Role, User
from deputies.models import AdministrativeArea, Deputy, HandlingUnit
from liaison_stations import seeding
from liaison_stations.models import Issue, Station, StationPolicy, Visit


class Command(BaseCommand):
    help = "Benchmark the public station page and the keeper's issue list at province scale."

    def add_arguments(self, parser):
        parser.add_argument("--stations", type=int, default=3000)
        parser.add_argument("--deputies", type=int, default=140000)
        parser.add_argument("--visits", type=int, default=500000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, stations, deputies, visits, repeat, **options):
        rng = random.Random(2026)
        self._build(rng, stations, deputies, visits)
        self.stdout.write(
            f"data: stations {Station.objects.count()}, deputies {Deputy.objects.count()}, "
            f"stationed {Station.deputies.through.objects.count()}, visits {Visit.objects.count()}, "
            f"issues {Issue.objects.count()}"
        )
        keeper = self._keeper(rng)
        client = Client(HTTP_HOST="localhost")
        sample = list(Station.objects.order_by("?").values_list("pk", flat=True)[:repeat])
        self._measure("public station page /stations/<pk>/", client, [f"/stations/{pk}/" for pk in sample])
        self._measure("public station API /api/stations/stations/<pk>/", client,
                      [f"/api/stations/stations/{pk}/" for pk in sample])
        client.force_login(keeper)
        kept = keeper.kept_stations.count()
        issues = Issue.objects.visible_to(keeper).count()
        self._measure(f"keeper's issue list /stations/work/issues/ ({kept} stations, {issues} issues)", client,
                      ["/stations/work/issues/"] * repeat)
        self._measure("keeper's issue list, page 5", client, ["/stations/work/issues/?page=5"] * repeat)
        self._measure("keeper's issue list, forwarded only", client,
                      ["/stations/work/issues/?status=forwarded"] * repeat)

    def _build(self, rng, stations, deputies, visits):
        started = time.monotonic()
        if Deputy.objects.count() < deputies * 0.95:
            if AdministrativeArea.objects.exists():
                raise SystemExit("the database has a smaller deputies set; use an empty database (BENCH_DATABASE_URL)")
            self.stdout.write(f"seeding {deputies} deputies (seed_deputies --scale)...")
            call_command("seed_deputies", scale=deputies, no_users=True, stdout=self.stdout)
            self.stdout.write(f"  {time.monotonic() - started:.0f}s")
        if not Station.objects.exists():
            self.stdout.write(f"building {stations} stations with their deputies and rota...")
            with transaction.atomic():
                StationPolicy.current()
                seeding.categories()
                built = seeding.build_stations(rng, village_points_per_township=1, extra_per_county=2, limit=stations)
                seeding.station_deputies(built, rng)
                seeding.on_duty(seeding.reception_rules(built, rng), rng)
            self.stdout.write(f"  {time.monotonic() - started:.0f}s")
        missing = visits - Visit.objects.count()
        if missing > 0:
            self.stdout.write(f"adding {missing} visit records with their issues...")
            built = list(Station.objects.only("pk"))
            units = list(HandlingUnit.objects.values_list("pk", flat=True))

            def progress(n):
                if n % 100000 == 0:
                    self.stdout.write(f"  {n} ({time.monotonic() - started:.0f}s)")

            with transaction.atomic():
                seeding.bulk_visits(built, rng, total=missing, issue_ratio=0.5, categories_list=seeding.categories(),
                                    unit_ids=units, progress=progress)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"  {time.monotonic() - started:.0f}s")

    def _keeper(self, rng):
        keeper = User.objects.filter(username="bench_keeper", kept_stations__isnull=False).first()
        if keeper is None:
            User.objects.filter(username="bench_keeper").delete()
            keeper = User.objects.create(username="bench_keeper", role=Role.KEEPER, display_name="基准测试管理员",
                                         password=make_password(None))
            # A county keeper with three stations: the main station and two others in the same county.
            main = Station.objects.filter(kind="county_main").order_by("?").first()
            kept = [main.pk] + list(Station.objects.filter(area__path__startswith=main.area.path)
                                    .exclude(pk=main.pk).values_list("pk", flat=True)[:2])
            keeper.kept_stations.set(kept)
            keeper = User.objects.get(pk=keeper.pk)
        return keeper

    def _measure(self, label, client, urls):
        client.get(urls[0])  # warm the connection and the caches of the first request
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        # An execute wrapper rather than CaptureQueriesContext: it survives the
        # connection being recycled between requests.
        with connection.execute_wrapper(count):
            response = client.get(urls[0])
        assert response.status_code == 200, (urls[0], response.status_code)
        times = []
        for url in urls:
            begin = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        self.stdout.write(
            f"{label}: median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms, {len(queries)} queries "
            f"({len(urls)} requests)"
        )

"""bin/bench voting: ballot submission under load on loopback, and the tally.

1. builds a county congress of 600 deputies (each with an account and a signed-in
   session) and a ballot of 20 candidates (N = 15), open, everyone present;
2. starts gunicorn on 127.0.0.1 against this database and has T client threads
   post every deputy's ballot to the API (POST /api/voting/ballots/<id>/vote/),
   then every deputy's second copy (all refused with 409);
3. checks the database holds exactly 600 ballots and 600 participations;
4. closes voting (with the shuffle) and times the tally and a recount.

Bounded: 600 + 600 requests, a 30 s timeout per request, 300 s in all.
Refuses to run on a database whose name does not contain "bench"."""
import datetime
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from congress_portal.accounts.models import Role, User
from deputies.models import AdministrativeArea, AreaKind, Congress, Deputy, Gender, Level, Mandate, Term
from deputies.validators import id_number_check_char
from voting import services
from voting.models import Ballot, BallotCandidate, BallotContent, BallotParticipation, BallotStatus, Project, ProjectCall


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Ballot submission throughput on loopback and tally time (600 deputies, 20 candidates)."

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, default=600)
        parser.add_argument("--candidates", type=int, default=20)
        parser.add_argument("--seats", type=int, default=15)
        parser.add_argument("--threads", type=int, default=32, help="client threads")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (gthread)")
        parser.add_argument("--worker-threads", type=int, default=4)

    def handle(self, *args, deputies, candidates, seats, threads, workers, worker_threads, **options):
        if "bench" not in settings.DATABASES["default"]["NAME"]:
            raise CommandError("bench_voting runs only on a database whose name contains 'bench'")
        self.stdout.write(f"building a congress of {deputies} deputies and a ballot of {candidates} candidates (N={seats})...")
        staff, ballot, users = self._build(deputies, candidates, seats)
        cookies = self._sessions(users)
        marks = self._marks(ballot, len(users))

        port = _free_port()
        env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "ERROR"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "congress_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
             "-k", "gthread", "--threads", str(worker_threads), "--log-level", "warning", "--timeout", "60"],
            env=env, start_new_session=True,
        )
        try:
            self._wait_for(port)
            url = f"/api/voting/ballots/{ballot.pk}/vote/"
            self._warm(port, url, cookies[0])
            first = self._drive(port, url, cookies, marks, threads)
            second = self._drive(port, url, cookies, marks, threads)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

        stored = BallotContent.objects.filter(ballot=ballot).count()
        participations = BallotParticipation.objects.filter(ballot=ballot).count()
        self._report("first submissions", first, expect=201)
        self._report("second copies (refused)", second, expect=409)
        self.stdout.write(f"stored: {stored} ballots, {participations} participations (expected {len(users)} each)")

        started = time.perf_counter()
        services.close_voting(ballot=ballot, actor=staff)
        close_s = time.perf_counter() - started
        started = time.perf_counter()
        tally = services.tally_ballot(ballot=ballot, actor=staff)
        tally_s = time.perf_counter() - started
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            _fresh, differences = services.recount(ballot)
            timings.append(time.perf_counter() - started)
        chosen = sum(1 for line in tally.lines if line.outcome == "chosen")
        self.stdout.write(f"close voting + shuffle of {stored} ballots: {close_s * 1000:.0f} ms")
        self.stdout.write(
            f"tally ({candidates} candidates, {tally.ballots_cast} ballots): {tally_s * 1000:.0f} ms; "
            f"recount median {statistics.median(timings) * 1000:.0f} ms, same numbers: {not differences}; chosen {chosen}"
        )
        if stored != len(users) or participations != len(users):
            raise CommandError("ballots lost or counted twice")

    # ------------------------------------------------------------------ set-up
    def _build(self, count, candidates, seats):
        stamp = f"{int(time.time()) % 10**6:06d}"
        area = AdministrativeArea.objects.create(code=f"99{stamp}0000", name=f"压测县{stamp}", kind=AreaKind.COUNTY)
        congress = Congress.objects.create(area=area, level=Level.COUNTY, name=f"压测县{stamp}人民代表大会")
        term = Term.objects.create(congress=congress, number=18, start_date=datetime.date(2021, 10, 1), end_date=datetime.date(2026, 9, 30))
        people = []
        for i in range(count):
            first17 = f"99{stamp[2:]}19800101{i:03d}" if i < 1000 else f"99{stamp[2:]}1981{i // 1000:02d}01{i % 1000:03d}"
            people.append(Deputy(name=f"压测代表{i}", gender=Gender.MALE, id_number=first17 + id_number_check_char(first17)))
        people = Deputy.objects.bulk_create(people)
        Mandate.objects.bulk_create([Mandate(deputy=d, congress=congress, term=term, level=Level.COUNTY, start_date=term.start_date) for d in people])
        users = User.objects.bulk_create([User(username=f"bench{stamp}-{i}", role=Role.DEPUTY, password="!") for i in range(count)])
        for deputy, user in zip(people, users):
            deputy.user = user
        Deputy.objects.bulk_update(people, ["user"])
        staff = User.objects.create(username=f"bench{stamp}-staff", role=Role.STAFF, password="!")
        call = ProjectCall.objects.create(
            congress=congress, year=2026, title="压测征集", opens_on=datetime.date(2025, 9, 1), closes_on=datetime.date(2025, 10, 31)
        )
        projects = Project.objects.bulk_create([Project(congress=congress, call=call, title=f"压测项目{i}", description="-") for i in range(candidates)])
        ballot = services.create_ballot(call=call, title="压测票决", seats=seats, actor=staff)
        services.set_candidates(ballot=ballot, projects=projects, actor=staff)
        # Review is not what is measured: mark it ready directly.
        Ballot.objects.filter(pk=ballot.pk).update(status=BallotStatus.READY)
        services.open_voting(ballot=ballot, actor=staff)
        services.record_attendance(ballot=ballot, present_deputy_ids=[d.pk for d in people], actor=staff)
        return staff, Ballot.objects.get(pk=ballot.pk), users

    def _sessions(self, users):
        cookies = []
        backend = settings.AUTHENTICATION_BACKENDS[-1]
        for user in users:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            csrf = secrets.token_urlsafe(24)[:32].ljust(32, "x")
            csrf = "".join(ch if ch.isalnum() else "a" for ch in csrf)
            cookies.append((f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}", csrf))
        return cookies

    def _marks(self, ballot, count):
        ids = list(BallotCandidate.objects.filter(ballot=ballot).order_by("order").values_list("pk", flat=True))
        all_marks = []
        for i in range(count):
            # Twelve popular candidates (each approved by five deputies in six), two rotating others.
            approved = {ids[k] for k in range(min(12, len(ids))) if (i + k) % 6 != 0}
            approved |= {ids[12 + (i + k) % max(1, len(ids) - 12)] for k in range(2)} if len(ids) > 12 else set()
            approved = set(list(approved)[: ballot.seats])
            all_marks.append({str(pk): ("for" if pk in approved else ("against" if (i + pk) % 3 == 0 else "abstain")) for pk in ids})
        return all_marks

    # ------------------------------------------------------------------ load
    def _wait_for(self, port, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError("gunicorn did not start")

    def _warm(self, port, url, cookie):
        for _ in range(6):  # every worker loads the app once; GETs are refused (405) harmlessly
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", url, headers={"Cookie": cookie[0]})
            conn.getresponse().read()

    def _drive(self, port, url, cookies, marks, threads):
        local = threading.local()
        deadline = time.monotonic() + 300

        def post(i):
            if time.monotonic() > deadline:
                return ("timeout", 0.0)
            if not hasattr(local, "conn"):
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            cookie, csrf = cookies[i]
            body = json.dumps({"marks": marks[i]})
            headers = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRFToken": csrf, "Referer": f"http://127.0.0.1:{port}/"}
            started = time.perf_counter()
            try:
                local.conn.request("POST", url, body=body, headers=headers)
                response = local.conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = "error"
            return (status, time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(post, range(len(cookies))))
        return {"results": results, "wall": time.perf_counter() - started, "threads": threads}

    def _report(self, label, run, expect):
        results = run["results"]
        latencies = [t for _s, t in results]
        statuses = {}
        for status, _t in results:
            statuses[status] = statuses.get(status, 0) + 1
        ok = statuses.get(expect, 0)
        self.stdout.write(
            f"{label}: {len(results)} requests from {run['threads']} threads in {run['wall']:.2f} s -> "
            f"{len(results) / run['wall']:.0f} req/s ({ok / run['wall']:.0f} with status {expect}); "
            f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {_percentile(latencies, 95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; statuses {statuses}"
        )
        connection.close()

"""Benchmark (figures, not a test): requests per second and p95 latency of the
public list, the public detail page and the unit inbox, served by gunicorn on
127.0.0.1 from the bench PostgreSQL database with 100,000 suggestions, under
wrk on loopback. Run with ``bin/bench http``.

The data is built by the suggestions app's own benchmark builder
(``bench_suggestions``, reused as it is). Every load run is bounded in time
(``--seconds``) and wrk only ever targets 127.0.0.1; gunicorn is stopped at the
end whatever happens."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# wrk prints these after each run (the done() hook below): p50/p95/p99 in µs.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d duration_us=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "gunicorn + wrk on loopback: req/s and p95 of the public list, public detail and unit inbox (100,000 suggestions)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="suggestions in the database (built when fewer)")
        parser.add_argument("--seconds", type=int, default=15, help="length of each load run (bounded)")
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the machine has 2 cores)")

    def handle(self, *args, rows, seconds, connections, workers, **options):
        from django.db import connection

        if connection.vendor != "postgresql":
            self.stderr.write(f"warning: running on {connection.vendor}, not PostgreSQL")
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian package wrk)")
        seconds = max(1, min(seconds, 120))

        from suggestions.models import Suggestion

        if Suggestion.objects.count() < rows:
            self.stdout.write(f"building suggestions up to {rows} with bench_suggestions ...")
            call_command("bench_suggestions", rows=rows, runs=1, stdout=StringIO())
        total = Suggestion.objects.count()
        published = Suggestion.objects.published().order_by("-published_at").values_list("pk", flat=True)
        detail_pk = published[len(published) // 2] if published.count() else None
        if detail_pk is None:
            raise CommandError("no published suggestion to fetch")
        from suggestions.models import Assignment
        from congress_portal.accounts.models import User

        # bench_suggestions' unit member, or bench_scale's on its 1,000,000-suggestion database
        unit_user = User.objects.filter(username__in=["bench-unit", "scale-unit"]).order_by("username").first()
        cookie = self._unit_session(unit_user)
        inbox_rows = Assignment.objects.filter(unit_id=unit_user.handling_unit_id, is_active=True).count()
        published_count = Suggestion.objects.published().count()

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "congress_portal.settings.development")}
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        server = subprocess.Popen(
            [gunicorn, "congress_portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--log-level", "warning", "--access-logfile", "/dev/null"],
            cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        try:
            self._wait_for(base + "/healthz", server)
            cases = [
                ("public list", "/suggestions/", None),
                ("public list, keyword 养老", "/suggestions/?q=%E5%85%BB%E8%80%81", None),
                ("public detail", f"/suggestions/{detail_pk}/", None),
                ("unit inbox", "/suggestions/unit/", cookie),
            ]
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(WRK_SCRIPT)
            cache = env.get("CACHE_URL") or "locmemcache:// (one cache per worker)"
            self.stdout.write(
                f"suggestions: {total}, published: {published_count}, unit inbox rows: {inbox_rows}; gunicorn {workers} workers (sync), "
                f"wrk {connections} connections x {seconds}s per page, loopback only; public pages cached for anonymous "
                f"visitors in {cache}"
            )
            self.stdout.write(f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}"
                              f" {'load average (1 min)':>21}")
            for label, path, session in cases:
                self._check(base + path, session)
                self._wrk(base + path, session, script.name, seconds=2, connections=connections)  # warm-up
                result = self._wrk(base + path, session, script.name, seconds=seconds, connections=connections)
                rps = result["requests"] / (result["duration_us"] / 1e6)
                self.stdout.write(
                    f"{label:<28} {rps:>8.1f} {result['p50'] / 1000:>8.1f} {result['p95'] / 1000:>8.1f} {result['p99'] / 1000:>8.1f} "
                    f"{result['requests']:>9} {result['errors']:>7} {os.getloadavg()[0]:>21.2f}"
                )
            os.unlink(script.name)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    def _unit_session(self, user):
        """A signed-in session of the bench unit member, made directly (no password)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def _wait_for(self, url, server, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn exited: " + server.stderr.read().decode()[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer in time")

    def _check(self, url, cookie):
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
            if response.status != 200 or response.url != url:
                raise CommandError(f"{url} answered {response.status} at {response.url}")
        if "代表工作门户" not in body:
            raise CommandError(f"{url} did not render the portal page")

    def _wrk(self, url, cookie, script, *, seconds, connections):
        command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
        match = re.search(r"BENCH (.*)", out)
        if not match:
            raise CommandError("wrk printed no result:\n" + out)
        return {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}

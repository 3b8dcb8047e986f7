"""Prints shell exports that point the test suite at PostgreSQL and Redis when
they answer, and explains (on stderr) when they do not. Under CI=true a missing
server is an error."""
import os
import shlex
import socket
import sys
from urllib.parse import urlparse

CI = os.environ.get("CI") == "true"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/congress_portal"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def reachable(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def export(name, value):
    print(f"export {name}={shlex.quote(value)}")


def main():
    failures = []
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith("sqlite"):
        export("DATABASE_URL", database_url)
    elif reachable(database_url, 5432):
        export("DATABASE_URL", database_url)
    else:
        message = f"PostgreSQL at {urlparse(database_url).netloc} does not answer"
        if CI:
            failures.append(message)
        else:
            print(f"note: {message}; running on SQLite, PostgreSQL-only tests are skipped", file=sys.stderr)
            export("DATABASE_URL", "sqlite:///" + os.path.abspath("var/test.sqlite3"))
            export("PORTAL_NO_POSTGRES_REASON", message)

    redis_url = os.environ.get("PORTAL_REDIS_URL") or DEFAULT_REDIS_URL
    if reachable(redis_url, 6379):
        export("PORTAL_REDIS_URL", redis_url)
    else:
        message = f"Redis at {urlparse(redis_url).netloc} does not answer"
        if CI:
            failures.append(message)
        else:
            print(f"note: {message}; tests that need Redis and a Celery worker are skipped", file=sys.stderr)
            export("PORTAL_NO_REDIS_REASON", message)

    if not os.path.exists(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")):
        message = "Chromium is not installed (Debian package chromium)"
        if CI:
            failures.append(message)
        else:
            print(f"note: {message}; browser tests are skipped", file=sys.stderr)
            export("PORTAL_NO_BROWSER_REASON", message)

    if failures:
        for message in failures:
            print(f"error: {message} (CI=true runs everything against the real servers)", file=sys.stderr)
        print("exit 1")


if __name__ == "__main__":
    main()

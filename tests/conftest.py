"""Shared fixtures: one per role (Zulip's personas), and the skip rules for
tests that need PostgreSQL, Redis or a browser. Under CI=true those are never
skipped: a missing server fails the run (bin/detect_services.py)."""
import os

import pytest
from django.db import connection

from tests.deputies import factories as f

CI = os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        # _restore_migration_rows does this for every transactional test;
        # Django's serialized rollback alongside it would load the rows twice.
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("serialized_rollback"):
            kwargs = dict(marker.kwargs, serialized_rollback=False)
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
    reasons = {
        "redis": os.environ.get("PORTAL_NO_REDIS_REASON"),
        "browser": os.environ.get("PORTAL_NO_BROWSER_REASON"),
    }
    for item in items:
        for marker, reason in reasons.items():
            if reason and item.get_closest_marker(marker):
                # Under CI bin/detect_services.py has already failed the run.
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _no_cached_public_pages():
    """Public pages are cached per URL (congress_portal/public_cache.py) and the
    cache outlives a test's rolled-back rows: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    # Only touch the database connection when the test asked for a database.
    if connection.vendor != "postgresql":
        reason = os.environ.get("PORTAL_NO_POSTGRES_REASON") or f"needs PostgreSQL, running on {connection.vendor}"
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)


_pristine_rows = None


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return "live_server" in request.fixturenames or "transactional_db" in request.fixturenames


@pytest.fixture(autouse=True)
def _restore_migration_rows(request):
    """Transactional tests (live_server, real workers, concurrency) end with a
    flush that also empties the rows data migrations wrote: policies,
    categories, the holiday calendar. The first one keeps a copy of the
    database as migrations left it; every later one starts from that copy."""
    global _pristine_rows
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    if _pristine_rows is None:
        _pristine_rows = connection.creation.serialize_db_to_string()
    else:
        # The previous test's flush re-created content types and permissions
        # with new ids; empty the tables again, quietly, and load the copy.
        from django.core.management import call_command

        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_pristine_rows)


@pytest.fixture
def staff_user(db):
    return f.staff_user()


@pytest.fixture
def unit_user(db):
    return f.unit_user()


@pytest.fixture
def deputy_user(db):
    return f.deputy_user()


@pytest.fixture
def keeper_user(db):
    return f.keeper_user()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def unit_client(client, unit_user):
    client.force_login(unit_user)
    return client


@pytest.fixture
def deputy_client(client, deputy_user):
    client.force_login(deputy_user)
    return client


@pytest.fixture
def keeper_client(client, keeper_user):
    client.force_login(keeper_user)
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()

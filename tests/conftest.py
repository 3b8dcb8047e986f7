"""Shared fixtures: one per role (Zulip's personas), and the skip rules for
tests that need PostgreSQL, Redis or a browser. Under CI=true those are never
skipped: a missing server fails the run (bin/detect_services.py)."""
import os

import pytest
from django.db import connection

from tests.deputies import factories as f

CI = os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config, items):
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
def _needs_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    # Only touch the database connection when the test asked for a database.
    if connection.vendor != "postgresql":
        reason = os.environ.get("PORTAL_NO_POSTGRES_REASON") or f"needs PostgreSQL, running on {connection.vendor}"
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)


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

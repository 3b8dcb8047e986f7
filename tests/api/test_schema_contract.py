"""Schemathesis against the portal's own OpenAPI schema (drf-spectacular,
/api/schema/): generated requests, sent in process to the WSGI application as
anonymous and as staff, get no server error and no response that differs from
the schema. Bounded: a few examples per operation, no shrinking; every request
is rolled back to a savepoint so one example's DELETE does not empty the rows the
next one reads."""
import base64
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from werkzeug.test import Client

from congress_portal.wsgi import application
from suggestions.models import Status
from tests.deputies import factories as f
from tests.liaison_stations.factories import IssueFactory, StationFactory, VisitFactory
from tests.suggestions.factories import in_status
from tests.training.factories import AttendedEnrolmentFactory, TrainingSessionFactory
from tests.voting.factories import BallotFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"
# Examples per operation (reads, writes): enough to meet nulls, empty pages and odd
# input on every operation, few enough for a run of a minute or two.
STAFF_EXAMPLES = (6, 4)
ANONYMOUS_EXAMPLES = (4, 2)
CHECKS = [not_a_server_error, response_schema_conformance]


@contextmanager
def in_process_requests():
    # Django's test client does the same: the WSGI handler must not close the
    # connection that holds the test's transaction at the end of a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema():
    with in_process_requests():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    return schema


def some_rows():
    """A little of everything, so that list and detail operations answer with
    real rows (and their nulls) rather than only empty pages and 404."""
    in_status(Status.CLOSED)
    in_status(Status.ASSIGNED)
    station = StationFactory()
    visit = VisitFactory(station=station)
    IssueFactory(station=station, visit=visit)
    session = TrainingSessionFactory()
    AttendedEnrolmentFactory(session=session)
    ballot = BallotFactory()
    ProjectFactory(call=ballot.call)


def known_ids(schema, headers):
    """For each collection path, the ids its list operation returns (as staff),
    offered to the generated path parameters beside random ones."""
    # Not Django's test client: it connects close_old_connections again after each request.
    client = Client(application)
    ids = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{" in operation.path:
            continue
        response = client.get(operation.path, headers=headers)
        if response.status_code != 200 or "json" not in response.headers.get("Content-Type", ""):
            continue
        body = response.json
        rows = body.get("results", []) if isinstance(body, dict) else body
        found = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
        if found:
            ids[operation.path] = found
    return ids


def collection_of(path):
    return path.split("{", 1)[0]


def run_operation(operation, headers, ids, failures, examples):
    method = operation.method.upper()
    examples = examples[0] if method == "GET" else examples[1]
    pool = ids.get(collection_of(operation.path), [])
    strategy = operation.as_strategy()
    if pool and "{" in operation.path:
        strategy = st.tuples(strategy, st.sampled_from(pool + [None])).map(lambda pair: _with_id(*pair))

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,  # no example database left in the work tree
        derandomize=True,  # the same examples on every run: a failure here reproduces
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every operation's failure is reported together
        failures.append(f"{method} {operation.path}: {describe(error)}")


def describe(error):
    text = str(error).strip()
    for inner in getattr(error, "exceptions", ()):
        text += "\n" + str(inner).strip()
    return text[:1200]


def _with_id(case, known):
    if known is not None:
        for name in case.path_parameters or {}:
            if name in ("id", "pk"):
                case.path_parameters[name] = known
    return case


def run_all(headers, *, methods, examples):
    schema = load_schema()
    some_rows()
    failures = []
    with in_process_requests():
        ids = known_ids(schema, headers)
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.method.upper() in methods:
                run_operation(operation, headers, ids, failures, examples)
    return failures


def basic(user):
    user.set_password(PASSWORD)
    user.save()
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture(autouse=True)
def _no_lockout(settings):
    settings.AXES_ENABLED = False


def test_anonymous_requests_match_the_schema():
    failures = run_all({}, methods={"GET", "POST", "PUT", "PATCH", "DELETE"}, examples=ANONYMOUS_EXAMPLES)
    assert not failures, "\n\n".join(failures)


def test_staff_requests_match_the_schema():
    failures = run_all(basic(f.staff_user()), methods={"GET", "POST", "PUT", "PATCH", "DELETE"}, examples=STAFF_EXAMPLES)
    assert not failures, "\n\n".join(failures)

"""The role × endpoint matrix of issue 15: every endpoint of the OpenAPI schema
and every page URL, asked by the staff of county A, of county B beside it (same
level), of the prefecture and the province above, by a unit and a deputy of A
(and of B), and by the public, about county A's objects.

- County A's objects answer 404 (or 403) to county B's staff and unit, and its
  items never show in their lists.
- The prefecture's and the province's staff read A's figures and supervision
  pages (ballots side by side, deputies, duty records, station figures) and the
  staff pages of A's items (suggestions, letters, station issues, training
  sessions), but cannot act: every move on A's objects, and every POST to those
  pages, is refused to them (403/404).
- A township's ballot is run by its own staff only.

Each endpoint is named in one of the tables below; a new endpoint or page
without a row fails ``test_every_endpoint_and_page_has_a_row``, so the matrix
cannot silently fall behind the URL patterns. The world is built once per
module (tests/portal/scope_world.py) and each test's writes are rolled back."""
import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from tests.portal.scope_world import module_world
from tests.voting.factories import ProjectFactory
from voting import services as voting_services
from voting.models import ProjectStatus

pytestmark = pytest.mark.django_db

REFUSED = {403, 404}
ACTORS = ("staff_a", "staff_b", "staff_m", "staff_p", "unit_a", "unit_b", "deputy_a", "deputy_b", "anon")
OUTSIDERS = ("staff_b", "unit_b", "deputy_b")  # the county beside A: never A's objects
ABOVE = ("staff_m", "staff_p")  # the prefecture and the province above A
MARKER = "甲县"  # in the name of every object of county A (甲市, 甲镇 are others)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from module_world(django_db_blocker)


def user_of(world, actor):
    if actor == "anon":
        return None
    kind, key = actor.split("_")
    place = world[key]
    return {"staff": place.staff, "unit": place.unit_user, "deputy": place.deputy_user, "keeper": None}[kind]


def ask(client, world, actor, method, url, data=None):
    client.logout()
    user = user_of(world, actor)
    if user is not None:
        client.force_login(user)
    if method == "get":
        return client.get(url)
    return client.post(url, data or {}, content_type="application/json") if url.startswith(("/api/", "/notifications/api/")) \
        else client.post(url, data or {})


# --------------------------------------------------------------------------- what each object is
# A row: how to find county A's object for the {id}/<pk>, and the kind of
# endpoint: PUBLIC (anyone reads it: no scope to check), ACT (A's own people
# only: the staff, unit or deputy named as owner), SUPERVISE (A's staff and the
# staff above read it; B does not), READ (an item's staff page: the staff above
# read it, but every POST to it is refused to them as to B: looking down, not
# acting down), OWN (a person's own: A's deputy or unit).
PUBLIC, ACT, SUPERVISE, READ = "public", "act", "supervise", "read"

a = lambda attr: (lambda w: getattr(w.a, attr).pk)  # noqa: E731

# API: the path before {id}; (object of A, kind, who owns it)
API_DETAIL = {
    "/api/deputies/areas/": (lambda w: w.a.area.pk, PUBLIC, None),
    "/api/deputies/contacts/": (a("contact"), SUPERVISE, "staff_a"),
    "/api/deputies/delegations/": (a("delegation"), PUBLIC, None),
    "/api/deputies/deputies/": (a("deputy"), SUPERVISE, "staff_a"),
    "/api/deputies/directory/": (a("deputy"), PUBLIC, None),
    "/api/deputies/groups/": (a("group"), PUBLIC, None),
    "/api/deputies/mandates/": (a("mandate"), SUPERVISE, "staff_a"),
    "/api/deputies/units/": (a("unit"), SUPERVISE, "staff_a"),
    "/api/stations/categories/": (lambda w: w.a.issue.category_id, PUBLIC, None),
    "/api/stations/issues/": (a("issue"), ACT, "staff_a"),
    "/api/stations/stations/": (a("station"), PUBLIC, None),
    "/api/stations/visits/": (a("visit"), ACT, "staff_a"),
    "/api/suggestions/": (a("suggestion"), ACT, "staff_a"),
    "/api/suggestions/assignments/": (a("assignment"), ACT, "unit_a"),
    "/api/suggestions/categories/": (lambda w: w.a.suggestion.category_id, PUBLIC, None),
    "/api/suggestions/drafts/": (a("draft"), ACT, "deputy_a"),
    "/api/suggestions/followup-items/": (a("followup_item"), ACT, "unit_a"),
    "/api/suggestions/public/": (a("suggestion"), PUBLIC, None),
    "/api/suggestions/reassignment-requests/": (a("reassignment"), ACT, "staff_a"),
    "/api/suggestions/replies/": (a("reply"), ACT, "deputy_a"),
    "/api/suggestions/result-categories/": (lambda w: w.a.reply.result_category_id, PUBLIC, None),
    "/api/training/activities/": (a("activity"), SUPERVISE, "staff_a"),
    "/api/training/duty-records/": (a("duty_record"), SUPERVISE, "staff_a"),
    "/api/training/enrolments/": (a("enrolment"), ACT, "staff_a"),
    "/api/training/leave-requests/": (a("leave"), ACT, "staff_a"),
    "/api/training/materials/": (a("material"), ACT, "staff_a"),
    "/api/training/plans/": (lambda w: w.a.training_session.plan_id, ACT, "staff_a"),
    "/api/training/scoring-items/": (a("scoring_item"), PUBLIC, None),
    "/api/training/scoring-rule-sets/": (lambda w: w.a.scoring_item.rule_set_id, PUBLIC, None),
    "/api/training/sessions/": (a("training_session"), ACT, "staff_a"),
    "/api/voting/ballots/": (a("ballot"), SUPERVISE, "staff_a"),
    "/api/voting/calls/": (a("call"), PUBLIC, None),  # the public proposes projects to a call
    "/api/voting/projects/": (a("project"), SUPERVISE, "staff_a"),
    "/api/voting/proposals/": (a("proposal"), ACT, "staff_a"),
    "/notifications/api/inbox/": (a("notice"), ACT, "staff_a"),
}
# Where one action differs from its object's row (full path).
API_OVERRIDES = {
    # the tallied ballot's sheets: A's ballot is a draft, so no one gets them; still refused to B
    "/api/voting/ballots/{id}/export/": (a("ballot"), SUPERVISE, None),
    "/api/voting/ballots/{id}/recount/": (a("ballot"), SUPERVISE, None),
    "/api/voting/ballots/{id}/results/": (a("ballot"), SUPERVISE, None),
    "/api/voting/ballots/{id}/roll/": (a("ballot"), ACT, "staff_a"),  # who is present: the ballot's own staff
}
# Pages with an object in the path: url name -> (kwargs of A's object, kind, owner)
PAGE_DETAIL = {
    "suggestions:public_detail": (lambda w: {"pk": w.a.suggestion.pk}, PUBLIC, None),
    "suggestions:draft": (lambda w: {"pk": w.a.draft.pk}, ACT, "deputy_a"),
    "suggestions:delete_draft": (lambda w: {"pk": w.a.draft.pk}, ACT, "deputy_a"),
    "suggestions:delegation_detail": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    "suggestions:my_detail": (lambda w: {"pk": w.a.suggestion.pk}, ACT, "deputy_a"),
    "suggestions:my_motion": (lambda w: {"pk": w.a.motion.pk}, ACT, "deputy_a"),
    "suggestions:my_letter": (lambda w: {"pk": w.a.letter.pk}, ACT, "deputy_a"),
    "suggestions:unit_detail": (lambda w: {"pk": w.a.assignment.pk}, ACT, "unit_a"),
    "suggestions:pick_unit_units": (lambda w: {"pk": w.a.assignment.pk}, ACT, "unit_a"),
    "suggestions:unit_letter": (lambda w: {"pk": w.a.letter.pk}, ACT, None),
    "suggestions:staff_detail": (lambda w: {"pk": w.a.suggestion.pk}, READ, "staff_a"),
    "suggestions:pick_staff_units": (lambda w: {"pk": w.a.suggestion.pk}, ACT, "staff_a"),
    "suggestions:staff_suggestion_to_letter": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    "suggestions:staff_letter_of_suggestion": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    # The documents need a 交办会 or a letter's details in the query: no owner check here (tests/suggestions/test_documents.py).
    "suggestions:staff_assignment_letter": (lambda w: {"unit_pk": w.a.unit.pk}, ACT, None),
    "suggestions:staff_yearly_report": (lambda w: {"year": 2025}, None, "staff_a"),
    "suggestions:staff_supervision_letter": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    "suggestions:staff_motion": (lambda w: {"pk": w.a.motion.pk}, ACT, "staff_a"),
    "suggestions:staff_letter": (lambda w: {"pk": w.a.letter.pk}, READ, "staff_a"),
    "suggestions:rate_merged": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    "suggestions:recommend_json": (lambda w: {"pk": w.a.suggestion.pk}, ACT, "staff_a"),
    "suggestions:staff_merge": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    "suggestions:staff_unmerge": (lambda w: {"pk": w.a.suggestion.pk}, ACT, None),
    # rows without a stored file: refused to others, and no file for the owner either
    "suggestions:attachment": (lambda w: {"pk": w.a.attachment.pk}, ACT, None),
    "suggestions:reply_attachment": (lambda w: {"pk": w.a.reply_attachment.pk}, ACT, None),
    "liaison_stations:station": (lambda w: {"pk": w.a.station.pk}, PUBLIC, None),
    "liaison_stations:station_qr": (lambda w: {"pk": w.a.station.pk, "fmt": "svg"}, PUBLIC, None),
    "liaison_stations:station_qr_print": (lambda w: {"pk": w.a.station.pk}, PUBLIC, None),
    "liaison_stations:book": (lambda w: {"pk": w.a.station.pk}, PUBLIC, None),
    "liaison_stations:deputy": (lambda w: {"pk": w.a.deputy.pk}, PUBLIC, None),
    "liaison_stations:deputy_qr": (lambda w: {"pk": w.a.deputy.pk, "fmt": "svg"}, PUBLIC, None),
    "liaison_stations:track_status": (lambda w: {"code": w.a.issue.tracking_code}, PUBLIC, None),
    "liaison_stations:issue": (lambda w: {"pk": w.a.issue.pk}, READ, "staff_a"),
    "liaison_stations:pick_units": (lambda w: {"pk": w.a.issue.pk}, ACT, "staff_a"),
    "liaison_stations:visits": (lambda w: {"pk": w.a.station.pk}, ACT, "staff_a"),
    "liaison_stations:visit_new": (lambda w: {"pk": w.a.station.pk}, ACT, "staff_a"),
    "liaison_stations:rota": (lambda w: {"pk": w.a.station.pk}, ACT, "staff_a"),
    "liaison_stations:ledger": (lambda w: {"pk": w.a.station.pk, "kind": "visits"}, ACT, "staff_a"),
    "liaison_stations:check_in_qr": (lambda w: {"pk": w.a.station.pk, "fmt": "svg"}, ACT, "staff_a"),
    "liaison_stations:check_in": (lambda w: {"token": "not-a-token"}, None, None),
    "liaison_stations:bookings": (lambda w: {"pk": w.a.station.pk}, ACT, "staff_a"),
    "liaison_stations:decide_booking": (lambda w: {"pk": w.a.station.pk, "booking_pk": w.a.booking.pk}, ACT, None),
    "liaison_stations:unit_issue": (lambda w: {"pk": w.a.issue.pk}, ACT, None),
    "training:leave": (lambda w: {"pk": w.a.enrolment.pk}, ACT, None),
    "training:material_file": (lambda w: {"pk": w.a.material.pk}, ACT, None),  # a link, no file
    "training:record": (lambda w: {"deputy_id": w.a.deputy.pk, "year": 2025}, SUPERVISE, "staff_a"),
    "training:record_xlsx": (lambda w: {"deputy_id": w.a.deputy.pk, "year": 2025}, SUPERVISE, "staff_a"),
    "training:session": (lambda w: {"pk": w.a.training_session.pk}, READ, "staff_a"),
    "training:session_qr": (lambda w: {"pk": w.a.training_session.pk}, ACT, "staff_a"),
    "training:mark": (lambda w: {"pk": w.a.enrolment.pk}, ACT, None),
    "voting:result": (lambda w: {"pk": w.a.ballot.pk}, None, None),  # published results only: A's is not
    "voting:result_export": (lambda w: {"pk": w.a.ballot.pk}, None, None),
    "voting:propose": (lambda w: {"pk": w.a.call.pk}, None, None),  # the public's proposal form of an open call
    "voting:rate": (lambda w: {"pk": w.a.call.pk}, ACT, None),
    "voting:project": (lambda w: {"pk": w.a.project.pk}, None, None),
    "voting:progress_photo": (lambda w: {"pk": w.a.progress_photo.pk}, None, None),
    "voting:report_progress": (lambda w: {"pk": w.a.project.pk}, None, None),  # an old address: redirects to unit_project
    "voting:unit_project": (lambda w: {"pk": w.a.project.pk}, ACT, None),  # chosen projects only: A's is a candidate
    "voting:vote": (lambda w: {"pk": w.a.ballot.pk}, ACT, None),
    "voting:staff_call": (lambda w: {"pk": w.a.call.pk}, ACT, "staff_a"),
    "voting:staff_ballot": (lambda w: {"pk": w.a.ballot.pk}, SUPERVISE, "staff_a"),
    "voting:staff_ballot_action": (lambda w: {"pk": w.a.ballot.pk, "action": "submit_review"}, ACT, None),
    "notifications:detail": (lambda w: {"pk": w.a.notice.pk}, ACT, "staff_a"),
    "notifications:attachment": (lambda w: {"pk": w.a.notice.pk}, ACT, None),
    "notifications:mark_read": (lambda w: {"pk": w.a.notice.pk}, ACT, None),
    "notifications:mark_unread": (lambda w: {"pk": w.a.notice.pk}, ACT, None),
    "jobs:detail": (lambda w: {"pk": w.a.job.pk}, ACT, "staff_a"),
    "jobs:status": (lambda w: {"pk": w.a.job.pk}, ACT, "staff_a"),
    "jobs:output": (lambda w: {"pk": w.a.job.pk}, ACT, None),  # no file yet: none for the owner either
    "deputies:roster_import_confirm": (lambda w: {"pk": w.a.job.pk}, ACT, None),  # only a job refused for changes
    "suggestions:staff_meeting": (lambda w: {"pk": w.a.meeting.pk}, ACT, "staff_a"),
    "suggestions:staff_hold_meeting": (lambda w: {"pk": w.a.meeting.pk}, ACT, "staff_a"),
    "suggestions:staff_meeting_letter": (lambda w: {"pk": w.a.meeting.pk, "unit_pk": w.a.unit.pk}, ACT, None),  # not held yet
    "suggestions:pick_handover_suggestions": (lambda w: {"pk": w.a.meeting.pk}, ACT, "staff_a"),
    "suggestions:pick_handover_units": (lambda w: {"pk": w.a.meeting.pk}, ACT, "staff_a"),
    "suggestions:pick_motion_signers": (lambda w: {"pk": w.a.motion_draft.pk}, ACT, "deputy_a"),
    "suggestions:staff_followup_round": (lambda w: {"pk": w.a.followup_round.pk}, ACT, "staff_a"),
    "training:session_edit": (lambda w: {"pk": w.a.training_session.pk}, ACT, "staff_a"),
    "training:plan_edit": (lambda w: {"pk": w.a.plan.pk}, ACT, "staff_a"),
    "voting:staff_new_ballot": (lambda w: {"pk": w.a.call.pk}, ACT, "staff_a"),
}
# Pages and API lists without an object in the path that show county A's
# items: whether A's marker may show up for those above (SUPERVISE) or only for
# A's own (ACT); PUBLIC ones show anybody's published items.
PUBLIC_LISTS = {
    "/api/deputies/areas/", "/api/deputies/delegations/", "/api/deputies/directory/", "/api/deputies/groups/",
    "/api/stations/stations/", "/api/stations/categories/", "/api/voting/calls/", "/api/suggestions/public/", "/api/suggestions/categories/",
    "/api/suggestions/result-categories/", "/api/training/scoring-items/", "/api/training/scoring-rule-sets/",
    "home", "landing", "deputies:directory", "suggestions:public_list", "suggestions:public_units",
    "liaison_stations:directory", "voting:results", "voting:index", "liaison_stations:rating",
}
# Leaks known and not yet fixed, each marked xfail(strict=True) so that fixing it shows (none now).
KNOWN_LEAKS = {}
SKIPPED_PAGES = {  # not about any congress's items
    # the template of the viewer's own congress, by kind: no other congress's object in the path
    "suggestions:staff_template",
    "healthz", "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "set_language", "schema", "swagger-ui", "redoc",
    "stored_file", "api-root", "liaison_stations:message_received", "liaison_stations:track", "voting:receipt",
}


def _page_patterns():
    """(url name, pattern string, its converters) of every page outside admin/ and api/."""
    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                n = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk(p.url_patterns, prefix + str(p.pattern), n)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{ns}{p.name}", prefix + str(p.pattern)

    seen = {}
    for name, pattern in walk(get_resolver().url_patterns):
        if pattern.startswith(("admin/", "api/", "notifications/api/", "^")) or "format" in pattern:
            continue
        seen.setdefault(name, pattern)
    return seen


def _schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method


PAGES = _page_patterns()
OPERATIONS = list(_schema_operations())


def _prefix(path):
    return path.split("{id}")[0]


def test_every_endpoint_and_page_has_a_row():
    missing_api = sorted({_prefix(p) for p, _m in OPERATIONS if "{id}" in p} - set(API_DETAIL))
    missing_pages = sorted(
        name for name, pattern in PAGES.items() if "<" in pattern and name not in PAGE_DETAIL and name not in SKIPPED_PAGES
    )
    assert (missing_api, missing_pages) == ([], [])


# --------------------------------------------------------------------------- objects in the path
def _detail_cases():
    for path, method in OPERATIONS:
        if "{id}" in path and method in ("get", "post"):
            yield pytest.param("api", path, method, id=f"{method.upper()} {path}")
    for name, pattern in PAGES.items():
        if name in PAGE_DETAIL:
            yield pytest.param("page", name, "get", id=f"GET {name}")
            yield pytest.param("page", name, "post", id=f"POST {name}")


def _row(source, key):
    if source == "api":
        return API_OVERRIDES.get(key) or API_DETAIL[_prefix(key)]
    return PAGE_DETAIL[key]


def _url(world, source, key):
    find = _row(source, key)[0]
    return key.replace("{id}", str(find(world))) if source == "api" else reverse(key, kwargs=find(world))


def _checked(case):
    source, key, method = case.values
    kind = _row(source, key)[1]
    # A page of supervision is read, not posted to: POST is checked on the pages that act.
    return kind not in (PUBLIC, None) and not (source == "page" and method == "post" and kind == SUPERVISE)


@pytest.mark.parametrize("source,key,method", [c for c in _detail_cases() if _checked(c)])
def test_county_a_objects(client, world, source, key, method):
    _find, kind, owner = _row(source, key)
    url = _url(world, source, key)
    got = {actor: ask(client, world, actor, method, url).status_code for actor in ACTORS}
    assert all(code < 500 for code in got.values()), got
    refused = REFUSED | {405}  # 405: the page does not take this method from anyone
    leaks = {actor: got[actor] for actor in OUTSIDERS if got[actor] not in refused}
    if method == "post" or kind == ACT:  # a move on A's object, or an item A acts on: refused above too
        leaks.update({actor: got[actor] for actor in ABOVE if got[actor] not in refused})
    else:  # SUPERVISE: the staff above read it
        leaks.update({actor: got[actor] for actor in ABOVE if got[actor] != 200 and owner is not None})
    if method == "get" and owner is not None and got[owner] != 405:  # the object is really there for its own
        leaks.update({owner: got[owner]} if got[owner] != 200 else {})
    assert not leaks, (url, got)


# --------------------------------------------------------------------------- lists
def _list_cases():
    for path, method in OPERATIONS:
        if "{" not in path and method == "get" and path not in PUBLIC_LISTS:
            yield pytest.param("api", path, id=f"GET {path}")
    for name, pattern in PAGES.items():
        if "<" not in pattern and name not in PUBLIC_LISTS and name not in SKIPPED_PAGES:
            yield pytest.param("page", name, id=f"GET {name}", marks=KNOWN_LEAKS.get(name, ()))


def _text(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # a spreadsheet or a Word document: the text of its parts
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("source,key", list(_list_cases()))
def test_county_a_items_stay_out_of_county_b_lists(client, world, source, key):
    url = key if source == "api" else reverse(key)
    if "pick" in key or key.endswith("search/"):  # a picker answers what is typed: type A's name
        url += f"?q={MARKER}"
    for actor in ACTORS:
        response = ask(client, world, actor, "get", url)
        assert response.status_code < 500, (actor, response.status_code)
        if actor in OUTSIDERS and response.status_code == 200:
            text = _text(response)
            assert MARKER not in text, (actor, re.findall(rf".{{0,40}}{MARKER}.{{0,40}}", text)[:3])


# --------------------------------------------------------------------------- looking down, acting on one's own
SUPERVISION_PAGES = [  # figures and comparisons: the staff above see county A in them
    "voting:staff_overview", "liaison_stations:figures", "/api/voting/ballots/", "/api/deputies/deputies/",
    "/api/training/duty-records/", "/api/training/not-covered/",
]


@pytest.mark.parametrize("key", SUPERVISION_PAGES)
def test_the_staff_above_see_county_a_in_their_figures(client, world, key):
    url = key if key.startswith("/") else reverse(key)
    seen = {actor: MARKER in _text(ask(client, world, actor, "get", url)) for actor in ("staff_a", "staff_b", "staff_m", "staff_p")}
    assert seen == {"staff_a": True, "staff_b": False, "staff_m": True, "staff_p": True}


def test_a_townships_ballot_is_run_by_its_own_staff_only(client, world):
    ballot = world.t.ballot
    projects = [ProjectFactory(call=world.t.call, status=ProjectStatus.CANDIDATE) for _ in range(3)]
    voting_services.set_candidates(ballot=ballot, projects=projects, actor=world.t.staff)
    for actor in ("staff_a", "staff_b", "staff_m", "staff_p"):  # the county above it, one beside, those above
        assert ask(client, world, actor, "post", f"/api/voting/ballots/{ballot.pk}/submit-review/").status_code in REFUSED
        page = reverse("voting:staff_ballot_action", kwargs={"pk": ballot.pk, "action": "submit_review"})
        assert ask(client, world, actor, "post", page).status_code in REFUSED
        ballot.refresh_from_db()
        assert ballot.status == "draft", actor
    client.force_login(world.t.staff)
    assert client.post(f"/api/voting/ballots/{ballot.pk}/submit-review/", {}, content_type="application/json").status_code == 200
    ballot.refresh_from_db()
    assert ballot.status != "draft"


# --------------------------------------------------------------------------- the Django admin
ADMIN_SHARED = {  # reference rows every congress reads (areas, congresses, categories, policies, the calendar)
    "auth.group", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",
    "deputies.administrativearea", "deputies.congress", "deputies.term", "deputies.session", "deputies.deputygroup",
    "deputies.deputyimport", "liaison_stations.issuecategory", "liaison_stations.stationpolicy",
    "notifications.notificationpolicy", "suggestions.suggestionpolicy", "suggestions.suggestioncategory",
    "suggestions.resultcategory", "suggestions.motionthreshold", "training.trainingpolicy", "training.scoringruleset",
    "training.scoringitem", "workdays.calendarday",
}


def _admin_models():
    from django.contrib import admin

    return sorted(model._meta.label_lower for model in admin.site._registry)


def _object_of(world, model):
    """County A's row of ``model`` in the world, if it has one."""
    for value in vars(world.a).values():
        if isinstance(value, model):
            return value
    return model._default_manager.filter(pk__in=[]).first()


@pytest.mark.parametrize("label", [m for m in _admin_models() if m not in ADMIN_SHARED])
def test_admin_of_county_b_holds_no_row_of_county_a(client, world, label):
    from django.apps import apps

    model = apps.get_model(label)
    app, name = label.split(".")
    changelist = reverse(f"admin:{app}_{name}_changelist")
    client.force_login(world.b.staff)
    response = client.get(changelist)
    assert response.status_code == 200
    text = _text(response)
    assert MARKER not in text, re.findall(rf".{{0,60}}{MARKER}.{{0,40}}", text)[:3]
    row = _object_of(world, model)
    if row is not None:
        change = reverse(f"admin:{app}_{name}_change", args=[row.pk])
        refused = client.get(change)  # the admin sends a missing row back to its index
        assert refused.status_code in (302, 403, 404) and MARKER not in _text(refused)
        client.force_login(world.a.staff)
        assert client.get(change).status_code == 200


# --------------------------------------------------------------------------- reading A's items from above
READ_PAGES = [name for name, row in PAGE_DETAIL.items() if row[1] == READ]


def _forms_in_main(response):
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return main.count('method="post"')


@pytest.mark.parametrize("name", READ_PAGES)
def test_the_staff_above_read_county_a_items_with_no_form(client, world, name):
    """The staff page of A's item: A's staff act on it (its forms are there), the
    staff above read the same item with every form hidden, B gets 404."""
    url = reverse(name, kwargs=PAGE_DETAIL[name][0](world))
    own = ask(client, world, "staff_a", "get", url)
    assert own.status_code == 200 and _forms_in_main(own) > 0
    for actor in ABOVE:
        above = ask(client, world, actor, "get", url)
        assert above.status_code == 200 and MARKER in above.content.decode(), actor
        assert _forms_in_main(above) == 0, actor
    assert ask(client, world, "staff_b", "get", url).status_code == 404


def test_a_move_posted_from_above_changes_nothing(client, world):
    from suggestions.models import Suggestion

    suggestion = world.a.suggestion
    before = Suggestion.objects.values_list("status", "disclosure", "closed_at").get(pk=suggestion.pk)
    url = reverse("suggestions:staff_detail", kwargs={"pk": suggestion.pk})
    for actor in ABOVE:
        for action, data in (("close", {"note": "上级办结"}), ("disclosure", {"mode": "full"}), ("extend", {"days": 30})):
            assert ask(client, world, actor, "post", url, {"action": action, **data}).status_code == 404, (actor, action)
    assert Suggestion.objects.values_list("status", "disclosure", "closed_at").get(pk=suggestion.pk) == before


def test_the_staff_list_filters_by_a_congress_below_read_only(client, world):
    """全部建议 with 人民代表大会 = county A: its items for the staff above, with no
    ticking (bulk moves act); for county B the filter offers no A and shows none of it."""
    url = reverse("suggestions:staff_list") + f"?congress={world.a.congress.pk}"
    for actor in ABOVE:
        page = ask(client, world, actor, "get", url)
        assert page.status_code == 200 and world.a.suggestion.title in page.content.decode(), actor
        assert page.context["read_only"] and 'name="ids"' not in page.content.decode(), actor
    own = ask(client, world, "staff_a", "get", url)
    assert not own.context["read_only"] and 'name="ids"' in own.content.decode()
    beside = ask(client, world, "staff_b", "get", url)
    assert MARKER not in _text(beside)
    picker = ask(client, world, "staff_b", "get", reverse("deputies:pick_seen_congresses") + f"?q={MARKER}")
    assert picker.json()["results"] == []
    found = ask(client, world, "staff_p", "get", reverse("deputies:pick_seen_congresses") + f"?q={MARKER}").json()["results"]
    assert world.a.congress.pk in {row["id"] for row in found}

"""One platform for every congress: staff act on their own congress's items and
see, read-only, the figures of the congresses below it; another congress's
item answers 404.

The world: a province, two counties at the same level (A and B) and a township
T inside county A, each congress with its own staff, units, deputies,
suggestion, letter, station issue, training session and ballot."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse, reverse_lazy
from openpyxl import load_workbook

from congress_portal.accounts import roles
from deputies.models import AreaKind, Level
from liaison_stations import selectors as station_selectors
from liaison_stations.models import Station
from suggestions import selectors, services
from suggestions.models import HandlingMode, Status, Suggestion
from tests.deputies import factories as df
from tests.liaison_stations.factories import IssueFactory, StationFactory
from tests.suggestions.factories import category
from tests.training.factories import EnrolmentFactory, TrainingPlanFactory, TrainingSessionFactory
from training import services as training_services
from voting import services as voting_services
from voting.models import BallotStatus
from tests.voting.factories import ProjectCallFactory

pytestmark = pytest.mark.django_db

KEYS = ("p", "a", "b", "t")  # province, county A, county B (same level as A), township T in A


class World:
    """Per congress key: area, congress, term, staff, unit, deputy, suggestion, letter, issue, session, call, ballot."""

    def __init__(self):
        self.area, self.congress, self.term, self.staff, self.unit, self.deputy = {}, {}, {}, {}, {}, {}
        self.suggestion, self.letter, self.issue, self.session, self.call, self.ballot = {}, {}, {}, {}, {}, {}


def _place(w, key, code, name, kind, level, parent=None):
    area = df.AreaFactory(code=code, name=name, kind=kind, parent=parent)
    congress = df.CongressFactory(area=area, level=level, name=f"{name}人民代表大会")
    w.area[key], w.congress[key] = area, congress
    w.term[key] = df.TermFactory(congress=congress)
    w.staff[key] = df.staff_user(congress=congress)
    w.unit[key] = df.HandlingUnitFactory(area=area, name=f"{name}交通运输局")
    w.deputy[key] = df.MandateFactory(term=w.term[key]).deputy


@pytest.fixture
def world(db):
    w = World()
    _place(w, "p", "980000000000", "甲省", AreaKind.PROVINCE, Level.PROVINCIAL)
    _place(w, "a", "980100000000", "甲县", AreaKind.COUNTY, Level.COUNTY, w.area["p"])
    _place(w, "b", "980200000000", "乙县", AreaKind.COUNTY, Level.COUNTY, w.area["p"])
    _place(w, "t", "980100100000", "甲镇", AreaKind.TOWNSHIP, Level.TOWNSHIP, w.area["a"])
    for key in KEYS:
        staff, congress = w.staff[key], w.congress[key]
        s = services.submit_suggestion(
            lead_deputy=w.deputy[key], title=f"关于{congress.area.name}道路养护的建议", content="建议加大投入。",
            category=category(), actor=staff, year=2025,
        )
        services.register_suggestion(suggestion=s, actor=staff)
        s.refresh_from_db()
        w.suggestion[key] = s
        w.letter[key] = services.register_letter(
            actor=staff, deputy=w.deputy[key], title=f"{congress.area.name}来信", content="反映情况。"
        )
        w.issue[key] = IssueFactory(station=StationFactory(area=w.area[key], name=f"{congress.area.name}联络站"))
        plan = TrainingPlanFactory(term=w.term[key])
        w.session[key] = TrainingSessionFactory(plan=plan, title=f"{congress.area.name}履职学习班")
        w.call[key] = ProjectCallFactory(congress=congress, year=2026)
        w.ballot[key] = voting_services.create_ballot(call=w.call[key], title=f"{congress.area.name}票决", seats=2, actor=staff)
    return w


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_staff_account_acts_on_its_congress_and_sees_those_below(world):
    c = world.congress
    assert roles.acting_congress_ids(world.staff["a"]) == [c["a"].pk]
    assert _ids(roles.seen_congresses(world.staff["a"])) == {c["a"].pk, c["t"].pk}
    assert _ids(roles.seen_congresses(world.staff["b"])) == {c["b"].pk}
    assert _ids(roles.seen_congresses(world.staff["t"])) == {c["t"].pk}
    assert _ids(roles.seen_congresses(world.staff["p"])) == {c[k].pk for k in KEYS}
    whole = df.staff_user()  # no congress: the whole province, as before
    assert roles.acting_congress_ids(whole) is None and roles.seen_congresses(whole) is None


def test_every_object_knows_its_congress(world):
    for key in KEYS:
        congress = world.congress[key]
        assert world.suggestion[key].congress == congress
        assert world.letter[key].congress == congress
        assert world.issue[key].station.congress == congress
        assert world.ballot[key].congress == congress


def test_numbers_between_plenaries_run_per_congress(world):
    # Each congress's first registered item of 2025 is its No. 1, and letters too.
    assert {world.suggestion[k].number for k in KEYS} == {1}
    assert {world.letter[k].number for k in KEYS} == {1}


def test_county_officer_cannot_see_another_countys_or_the_provinces_items(client, world):
    client.force_login(world.staff["a"])
    assert client.get(reverse("suggestions:staff_detail", args=[world.suggestion["a"].pk])).status_code == 200
    for other in ("b", "p"):
        pk = world.suggestion[other].pk
        assert client.get(reverse("suggestions:staff_detail", args=[pk])).status_code == 404
        assert client.get(f"/api/suggestions/{pk}/").status_code == 404
    listed = client.get(reverse("suggestions:staff_list")).content.decode()
    assert "甲县道路养护" in listed
    assert "乙县道路养护" not in listed and "甲省道路养护" not in listed
    assert _ids(Suggestion.objects.visible_to(world.staff["a"])) == {world.suggestion["a"].pk}


def test_county_officer_cannot_assign_another_congresss_item(client, world):
    other = world.suggestion["b"]
    with pytest.raises(PermissionDenied):
        services.assign_suggestion(suggestion=other, actor=world.staff["a"], lead_unit=world.unit["b"])
    client.force_login(world.staff["a"])
    response = client.post(
        reverse("suggestions:staff_detail", args=[other.pk]),
        {"action": "assign", "mode": HandlingMode.LEAD, "lead_unit": world.unit["b"].pk},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.REGISTERED and not other.assignments.exists()


def test_an_item_goes_to_units_of_its_area_or_above_only(world):
    own = world.suggestion["a"]
    with pytest.raises(ValidationError) as refused:
        services.assign_suggestion(suggestion=own, actor=world.staff["a"], lead_unit=world.unit["b"])
    assert "不属于甲县人民代表大会所在行政区域或其上级" in str(refused.value)
    with pytest.raises(ValidationError):  # a unit of a township below is not the county's either
        services.assign_suggestion(suggestion=own, actor=world.staff["a"], lead_unit=world.unit["t"])
    services.assign_suggestion(suggestion=own, actor=world.staff["a"], lead_unit=world.unit["a"], co_units=[world.unit["p"]])
    assert set(own.assignments.values_list("unit_id", flat=True)) == {world.unit["a"].pk, world.unit["p"].pk}


def test_export_holds_the_officers_own_items_only(client, world):
    client.force_login(world.staff["a"])
    response = client.get(reverse("suggestions:staff_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "甲县道路养护" in cells
    assert "乙县道路养护" not in cells and "甲省道路养护" not in cells and "甲镇道路养护" not in cells


def test_the_provinces_officer_sees_the_counties_figures_but_acts_on_its_own(client, world):
    submitted = {k: selectors.staff_dashboard(user=world.staff[k])["figures"]["submitted"] for k in KEYS}
    assert submitted == {"p": 4, "a": 2, "b": 1, "t": 1}  # own and below
    for key in ("a", "b"):
        services.assign_suggestion(suggestion=world.suggestion[key], actor=world.staff[key], lead_unit=world.unit[key])
    ranked = lambda user: {row["unit"].pk for part in ("ranked", "apart") for row in selectors.league_table(user=user)[part]}  # noqa: E731
    assert ranked(world.staff["p"]) == {world.unit["a"].pk, world.unit["b"].pk}
    assert ranked(world.staff["b"]) == {world.unit["b"].pk}
    stations = lambda user: {s.name for s in station_selectors.station_figures(year=2025, stations=Station.objects.supervised_by(user))}  # noqa: E731
    assert stations(world.staff["p"]) == {"甲省联络站", "甲县联络站", "乙县联络站", "甲镇联络站"}
    assert stations(world.staff["b"]) == {"乙县联络站"}
    # Looking down is read-only: the province reads the county's item, but it is not the province's to handle.
    client.force_login(world.staff["p"])
    page = reverse("suggestions:staff_detail", args=[world.suggestion["a"].pk])
    assert client.get(page).status_code == 200
    assert client.post(page, {"action": "register"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.assign_suggestion(suggestion=world.suggestion["t"], actor=world.staff["p"], lead_unit=world.unit["t"])


def test_a_townships_ballot_is_run_by_its_own_staff_only(client, world):
    ballot = world.ballot["t"]
    for outsider in ("a", "b", "p"):  # the county above, a county beside it, the province
        with pytest.raises(PermissionDenied):
            voting_services.submit_for_review(ballot=ballot, actor=world.staff[outsider])
        with pytest.raises(PermissionDenied):
            voting_services.create_ballot(call=world.call["t"], title="再次票决", seats=2, actor=world.staff[outsider])
        client.force_login(world.staff[outsider])
        assert client.post(reverse("voting:staff_ballot_action", args=[ballot.pk, "submit_review"])).status_code == 404
        assert client.post(f"/api/voting/ballots/{ballot.pk}/submit-review/").status_code == 404
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.DRAFT
    # Those above see it side by side; a county beside it does not.
    client.force_login(world.staff["a"])
    assert client.get(reverse("voting:staff_ballot", args=[ballot.pk])).status_code == 200
    assert "甲镇票决" in client.get(reverse("voting:staff_overview")).content.decode()
    client.force_login(world.staff["b"])
    assert client.get(reverse("voting:staff_ballot", args=[ballot.pk])).status_code == 404
    assert "甲镇票决" not in client.get(reverse("voting:staff_overview")).content.decode()


def test_training_and_station_work_belong_to_their_congress(world):
    enrolment = EnrolmentFactory(session=world.session["a"], deputy=world.deputy["a"])
    with pytest.raises(PermissionDenied):
        training_services.mark_attendance(enrolment=enrolment, attended=True, actor=world.staff["b"])
    training_services.mark_attendance(enrolment=enrolment, attended=True, actor=world.staff["a"])
    from liaison_stations import services as station_services

    with pytest.raises(PermissionDenied):
        station_services.answer_issue(issue=world.issue["a"], answer="已答复", actor=world.staff["b"])
    with pytest.raises(ValidationError):  # forwarded to a unit of the county beside it
        station_services.forward_issue(issue=world.issue["a"], unit=world.unit["b"], actor=world.staff["a"])
    station_services.forward_issue(issue=world.issue["a"], unit=world.unit["a"], actor=world.staff["a"],
                                   due_on=datetime.date.today() + datetime.timedelta(days=10))


# --------------------------------------------------------------------------- the matrix
# Every page and endpoint that shows one congress's object, seen by that
# congress's staff, by the staff of a congress at the same level beside it, and
# by the staff of the congress above it. Acting pages: only the owner; pages of
# supervision (ballots side by side): the owner and those above.
OWN, BESIDE, ABOVE = "a", "b", "p"
ACTING = {OWN: 200, BESIDE: 404, ABOVE: 404}
SUPERVISION = {OWN: 200, BESIDE: 404, ABOVE: 200}
READ = SUPERVISION  # an item's staff page: read from above, every form hidden and every POST refused
ENDPOINTS = [
    ("suggestion page", lambda w: reverse("suggestions:staff_detail", args=[w.suggestion[OWN].pk]), READ),  # read from above, not acted on (POST: test_congress_matrix.py)
    ("suggestion api", lambda w: f"/api/suggestions/{w.suggestion[OWN].pk}/", ACTING),
    ("letter page", lambda w: reverse("suggestions:staff_letter", args=[w.letter[OWN].pk]), READ),  # read from above, not acted on (POST: test_congress_matrix.py)
    ("station issue page", lambda w: reverse("liaison_stations:issue", args=[w.issue[OWN].pk]), READ),  # read from above, not acted on (POST: test_congress_matrix.py)
    ("station issue api", lambda w: f"/api/stations/issues/{w.issue[OWN].pk}/", ACTING),
    ("training session page", lambda w: reverse("training:session", args=[w.session[OWN].pk]), READ),  # read from above, not acted on (POST: test_congress_matrix.py)
    ("training session api", lambda w: f"/api/training/sessions/{w.session[OWN].pk}/", ACTING),
    ("call page", lambda w: reverse("voting:staff_call", args=[w.call[OWN].pk]), ACTING),
    ("ballot page", lambda w: reverse("voting:staff_ballot", args=[w.ballot[OWN].pk]), SUPERVISION),
    ("ballot api", lambda w: f"/api/voting/ballots/{w.ballot[OWN].pk}/", SUPERVISION),
    ("deputy api", lambda w: f"/api/deputies/deputies/{w.deputy[OWN].pk}/", SUPERVISION),
    ("duty record page", lambda w: reverse("training:record", args=[w.deputy[OWN].pk, 2025]), SUPERVISION),
]


@pytest.mark.parametrize("name,url,expected", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_congress_matrix(client, world, name, url, expected):
    target = url(world)
    got = {}
    for viewer in (OWN, BESIDE, ABOVE):
        client.force_login(world.staff[viewer])
        got[viewer] = client.get(target).status_code
    assert got == expected, name


# Lists, exports and figures: whether the owner's object shows up for each viewer.
ACTING_LIST = {OWN: True, BESIDE: False, ABOVE: False}
SUPERVISION_LIST = {OWN: True, BESIDE: False, ABOVE: True}
LISTS = [
    ("staff list", reverse_lazy("suggestions:staff_list"), "甲县道路养护", ACTING_LIST),
    ("assignment queue", reverse_lazy("suggestions:staff_assign_queue"), "甲县道路养护", ACTING_LIST),
    ("suggestions api", "/api/suggestions/", "甲县道路养护", ACTING_LIST),
    ("letters page", reverse_lazy("suggestions:staff_letters"), "甲县来信", ACTING_LIST),
    ("training sessions page", reverse_lazy("training:sessions"), "甲县履职学习班", ACTING_LIST),
    ("training sessions api", "/api/training/sessions/", "甲县履职学习班", ACTING_LIST),
    ("ballots side by side", reverse_lazy("voting:staff_overview"), "甲县票决", SUPERVISION_LIST),
    ("ballots api", "/api/voting/ballots/", "甲县票决", SUPERVISION_LIST),
    ("station figures", reverse_lazy("liaison_stations:figures"), "甲县联络站", SUPERVISION_LIST),
]


@pytest.mark.parametrize("name,url,marker,expected", LISTS, ids=[e[0] for e in LISTS])
def test_congress_matrix_of_lists(client, world, name, url, marker, expected):
    got = {}
    for viewer in (OWN, BESIDE, ABOVE):
        client.force_login(world.staff[viewer])
        response = client.get(str(url))
        assert response.status_code == 200, (name, viewer)
        got[viewer] = marker in response.content.decode()
    assert got == expected, name

"""Enrolment rules pick exactly the deputies they describe, and applying a rule
again enrols nobody twice."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deputies.models import Level, MandateStatus, Occupation
from tests.deputies import factories as df
from tests.training.factories import TrainingSessionFactory
from training import services
from training.models import Enrolment, EnrolmentSource, RuleKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    provincial = df.TermFactory(congress=df.CongressFactory(level=Level.PROVINCIAL))
    county = df.TermFactory(congress=df.CongressFactory(level=Level.COUNTY, area=df.AreaFactory(kind="county")))
    p = {}
    p["new"] = df.MandateFactory(term=provincial, first_term=True).deputy
    p["returning"] = df.MandateFactory(term=provincial, first_term=False).deputy
    p["resigned_new"] = df.MandateFactory(term=provincial, first_term=True, status=MandateStatus.RESIGNED).deputy
    p["county_new"] = df.MandateFactory(term=county, first_term=True, deputy__occupation=Occupation.FARMER).deputy
    # Holds a provincial and a county seat: enrolled once by a level rule, whatever the count of seats.
    p["both"] = df.MandateFactory(term=county, first_term=False).deputy
    df.MandateFactory(term=provincial, deputy=p["both"], first_term=False)
    p["farmer_gone"] = df.MandateFactory(
        term=county, status=MandateStatus.ENDED, deputy__occupation=Occupation.FARMER
    ).deputy
    return provincial, county, p


def _group(*members):
    from deputies.models import DeputyGroup, DeputyGroupMembership

    group = DeputyGroup.objects.create(name="城关代表小组", area=df.AreaFactory())
    for deputy in members:
        DeputyGroupMembership.objects.create(group=group, deputy=deputy)
    return group


def _enrolled(session):
    return set(Enrolment.objects.filter(session=session).values_list("deputy_id", flat=True))


def test_new_deputies_of_a_term(people, staff_user):
    provincial, county, p = people
    session = TrainingSessionFactory()
    services.add_enrolment_rule(session=session, kind=RuleKind.NEW_DEPUTIES_OF_TERM, term=provincial, actor=staff_user)
    assert _enrolled(session) == {p["new"].pk}


def test_all_of_a_level(people, staff_user):
    provincial, county, p = people
    session = TrainingSessionFactory()
    services.add_enrolment_rule(session=session, kind=RuleKind.LEVEL, level=Level.PROVINCIAL, actor=staff_user)
    assert _enrolled(session) == {p["new"].pk, p["returning"].pk, p["both"].pk}
    assert Enrolment.objects.filter(session=session).count() == 3


def test_group_members_who_serve(people, staff_user):
    provincial, county, p = people
    group = _group(p["county_new"], p["farmer_gone"])
    session = TrainingSessionFactory()
    services.add_enrolment_rule(session=session, kind=RuleKind.GROUP, group=group, actor=staff_user)
    assert _enrolled(session) == {p["county_new"].pk}


def test_field_selects_serving_deputies_of_that_occupation(people, staff_user):
    provincial, county, p = people
    session = TrainingSessionFactory()
    services.add_enrolment_rule(session=session, kind=RuleKind.FIELD, field=Occupation.FARMER, actor=staff_user)
    assert _enrolled(session) == {p["county_new"].pk}


def test_rule_applied_again_adds_only_newcomers_and_keeps_hand_enrolments(people, staff_user):
    provincial, county, p = people
    session = TrainingSessionFactory()
    services.enrol_deputies(session=session, deputies=[p["returning"]], actor=staff_user)
    rule = services.add_enrolment_rule(session=session, kind=RuleKind.LEVEL, level=Level.PROVINCIAL, actor=staff_user)
    assert rule.enrolled_count == 2
    assert Enrolment.objects.get(session=session, deputy=p["returning"]).source == EnrolmentSource.HAND
    latecomer = df.MandateFactory(term=provincial).deputy
    assert services.apply_enrolment_rule(rule=rule, actor=staff_user) == 1
    assert _enrolled(session) == {p["new"].pk, p["returning"].pk, p["both"].pk, latecomer.pk}


def test_rule_needs_its_parameter(staff_user):
    with pytest.raises(ValidationError):
        services.add_enrolment_rule(session=TrainingSessionFactory(), kind=RuleKind.GROUP, actor=staff_user)


def test_only_staff_enrol(people, deputy_user):
    provincial, county, p = people
    with pytest.raises(PermissionDenied):
        services.enrol_deputies(session=TrainingSessionFactory(), deputies=[p["new"]], actor=deputy_user)

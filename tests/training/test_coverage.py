"""Coverage on a hand-built case: two terms, new and returning deputies,
training inside and outside the term, leave, a resigned deputy."""
from decimal import Decimal

import pytest

from deputies.models import Level, MandateStatus
from tests.deputies import factories as df
from tests.training.factories import AttendedEnrolmentFactory, EnrolmentFactory, TrainingSessionFactory, aware
from training import selectors
from training.models import EnrolmentStatus, SessionKind, TrainingPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    provincial = df.TermFactory(congress=df.CongressFactory(level=Level.PROVINCIAL))
    county = df.TermFactory(congress=df.CongressFactory(level=Level.COUNTY, area=df.AreaFactory(kind="county")))
    induction = TrainingSessionFactory(kind=SessionKind.INDUCTION, starts_at=aware(2023, 3, 1), ends_at=aware(2023, 3, 3))
    old_induction = TrainingSessionFactory(kind=SessionKind.INDUCTION, starts_at=aware(2022, 3, 1), ends_at=aware(2022, 3, 3))
    duty = TrainingSessionFactory(kind=SessionKind.DUTY)
    duty2 = TrainingSessionFactory(kind=SessionKind.DUTY, starts_at=aware(2025, 9, 1), ends_at=aware(2025, 9, 1, 17))
    thematic = TrainingSessionFactory(kind=SessionKind.THEMATIC, field="farmer")

    def mandate(term, first_term, status=MandateStatus.SERVING):
        return df.MandateFactory(term=term, first_term=first_term, status=status).deputy

    d = {name: mandate(provincial, name in "ABE") for name in "ABCDE"}
    d["F"] = mandate(provincial, True, MandateStatus.RESIGNED)
    d["G"] = mandate(county, True)
    d["H"] = mandate(county, False)
    for name, sessions in {
        "A": [induction, duty, duty2],
        "B": [duty],
        "C": [duty],
        "D": [thematic],
        "E": [old_induction],
        "F": [induction, duty],
        "G": [induction, duty],
        "H": [duty],
    }.items():
        for session in sessions:
            AttendedEnrolmentFactory(session=session, deputy=d[name])
    EnrolmentFactory(session=duty, deputy=d["E"], status=EnrolmentStatus.ON_LEAVE)
    return [provincial, county], d


def test_coverage_figures(case):
    terms, d = case
    report = selectors.coverage_report(terms=terms)
    rows = {(r.level, r.first_term): (r.deputies, r.induction_done, r.duty_done) for r in report.rows}
    assert rows == {
        (Level.PROVINCIAL, True): (3, 1, 2),
        (Level.PROVINCIAL, False): (2, 0, 1),
        (Level.COUNTY, True): (1, 1, 1),
        (Level.COUNTY, False): (1, 0, 1),
    }
    assert (report.total, report.duty_done, report.new_total, report.induction_done) == (7, 5, 4, 2)
    assert report.induction_share == 0.5
    assert not report.fully_covered


def test_names_not_covered(case):
    terms, d = case
    missing = {m.deputy_id: (m.first_term, m.induction_done, m.duty_done) for m in selectors.not_covered(terms=terms)}
    assert missing == {
        d["B"].pk: (True, False, True),  # new, no induction
        d["D"].pk: (False, False, False),  # returning, thematic course only
        d["E"].pk: (True, False, False),  # induction before the term, on leave from duty training
    }

def test_required_hours_is_policy_data(case):
    terms, d = case
    TrainingPolicy.objects.filter(pk=TrainingPolicy.current().pk).update(duty_required_hours=Decimal("8"))
    report = selectors.coverage_report(terms=terms[:1])
    assert report.duty_done == 1  # only A has two duty sessions (12 hours)
    assert selectors.not_covered(terms=terms[:1]).filter(deputy=d["C"]).exists()


def test_level_filter(case):
    terms, d = case
    report = selectors.coverage_report(terms=terms, level=Level.COUNTY)
    assert (report.total, report.duty_done) == (2, 2)

"""参加票决代表名单 and the thresholds, by exact numbers: who is on the roll on
the voting day, and quorum and absolute majority with odd and even electorates."""
import datetime
from decimal import Decimal

import pytest

from deputies.models import Mandate, MandateStatus
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import ready_ballot
from voting import services
from voting.models import Ballot, BallotEvent

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _ballot_at_session(staff, term, session):
    ballot = ready_ballot(staff=staff, term=term)
    Ballot.objects.filter(pk=ballot.pk).update(session=session)
    ballot.refresh_from_db()
    return ballot


def test_roll_is_the_mandates_valid_on_the_sessions_day(county, staff_user):
    session = df.SessionFactory(term=county, number=5, year=2026, start_date=datetime.date(2026, 1, 18), end_date=datetime.date(2026, 1, 22))
    deputies = vf.serving_deputies(county, 5)
    # Ended before the session, though its status still says serving: not on the roll.
    Mandate.objects.filter(deputy=deputies[0]).update(end_date=datetime.date(2026, 1, 10))
    # Ends on the voting day itself: still valid that day.
    Mandate.objects.filter(deputy=deputies[1]).update(end_date=datetime.date(2026, 1, 20))
    # Resigned: not on the roll.
    Mandate.objects.filter(deputy=deputies[2]).update(status=MandateStatus.RESIGNED)
    ballot = _ballot_at_session(staff_user, county, session)
    services.open_voting(ballot=ballot, actor=staff_user, now=NOW)
    ballot.refresh_from_db()
    assert set(ballot.electors.values_list("deputy_id", flat=True)) == {d.pk for d in deputies[1:2] + deputies[3:]}
    assert ballot.electorate_size == 3


def test_roll_without_a_session_takes_the_current_term_and_names_day_and_term(county, staff_user):
    old_term = df.TermFactory(congress=county.congress, number=17, start_date=datetime.date(2016, 10, 1), end_date=datetime.date(2021, 9, 30))
    current = vf.serving_deputies(county, 4)
    stale = vf.serving_deputies(old_term, 3)  # an old term's mandates whose status was never updated
    ballot = ready_ballot(staff=staff_user, term=county)
    services.open_voting(ballot=ballot, actor=staff_user, now=NOW)
    ballot.refresh_from_db()
    assert set(ballot.electors.values_list("deputy_id", flat=True)) == {d.pk for d in current}
    assert not ballot.electors.filter(deputy__in=stale).exists()
    assert (ballot.electorate_size, ballot.quorum_needed, ballot.majority_needed) == (4, 3, 3)
    note = BallotEvent.objects.filter(ballot=ballot, move="open").get().note
    assert "第十八届" in note and "2026年1月20日" in note and "共4名" in note


def test_a_mandate_begun_after_the_voting_day_is_not_on_the_roll(county, staff_user):
    deputies = vf.serving_deputies(county, 3)
    Mandate.objects.filter(deputy=deputies[0]).update(start_date=datetime.date(2026, 1, 21))
    ballot = ready_ballot(staff=staff_user, term=county)
    services.open_voting(ballot=ballot, actor=staff_user, now=NOW)
    assert set(ballot.electors.values_list("deputy_id", flat=True)) == {deputies[1].pk, deputies[2].pk}


@pytest.mark.parametrize(
    ("electorate", "quorum", "majority"),
    [(9, 5, 5), (10, 6, 6), (11, 6, 6), (100, 51, 51), (101, 51, 51), (1, 1, 1), (2, 2, 2)],
)
def test_quorum_and_absolute_majority_are_more_than_half_of_all(electorate, quorum, majority):
    ballot = Ballot(electorate_size=electorate, quorum_share=Decimal("0.5"), majority_share=Decimal("0.5"))
    assert (ballot.quorum_needed, ballot.majority_needed) == (quorum, majority)


@pytest.mark.parametrize(("electorate", "needed"), [(9, 7), (10, 7), (12, 9), (3, 3)])
def test_a_two_thirds_policy_needs_more_than_two_thirds(electorate, needed):
    ballot = Ballot(electorate_size=electorate, quorum_share=Decimal("0.6667"), majority_share=Decimal("0.6667"))
    assert ballot.quorum_needed == needed

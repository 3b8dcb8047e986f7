"""Helpers that walk a ballot through the services to the state a test needs."""
import datetime

import pytest

from tests.voting import factories as vf
from voting import services
from voting.models import Choice, ReviewDecision, ReviewStage


@pytest.fixture
def county(db):
    """A county congress's current term."""
    return vf.county_term()


def ready_ballot(*, staff, term, candidates=4, seats=2, call=None):
    """A ballot whose shortlist passed every review stage."""
    call = call or vf.ProjectCallFactory(congress=term.congress)
    projects = [vf.ProjectFactory(call=call, title=f"候选项目{i}") for i in range(1, candidates + 1)]
    ballot = services.create_ballot(call=call, title=f"{call.year}年民生实事项目票决", seats=seats, actor=staff)
    services.set_candidates(ballot=ballot, projects=projects, actor=staff)
    services.submit_for_review(ballot=ballot, actor=staff)
    day = datetime.date(2025, 12, 1)
    for stage in ReviewStage.sequence_for(term.congress_id):
        services.record_review(ballot=ballot, stage=stage, decided_on=day, decision=ReviewDecision.Decision.APPROVED, actor=staff)
        day += datetime.timedelta(days=7)
    ballot.refresh_from_db()
    return ballot


def open_ballot(*, staff, term, deputies, present=None, **kwargs):
    """Opened with the given deputies on the roll; ``present`` (default all) marked present."""
    ballot = ready_ballot(staff=staff, term=term, **kwargs)
    services.open_voting(ballot=ballot, actor=staff)
    present = deputies if present is None else present
    services.record_attendance(ballot=ballot, present_deputy_ids=[d.pk for d in present], actor=staff)
    ballot.refresh_from_db()
    return ballot


def marks_for(ballot, approvals, against=()):
    """A complete ballot: FOR the candidates at the given 1-based orders, AGAINST
    the ``against`` ones, ABSTAIN on the rest."""
    marks = {}
    for candidate in ballot.candidates.order_by("order"):
        if candidate.order in approvals:
            marks[str(candidate.pk)] = Choice.FOR
        elif candidate.order in against:
            marks[str(candidate.pk)] = Choice.AGAINST
        else:
            marks[str(candidate.pk)] = Choice.ABSTAIN
    return marks

"""seed_voting builds the demo through the services, after seed_deputies."""
import pytest
from django.core.management import call_command

from deputies.local_demo import LOCAL_CONGRESSES
from voting import services
from voting.models import Ballot, BallotStatus, Elector, ProjectStatus

pytestmark = pytest.mark.django_db


def test_seed_voting_leaves_a_finished_ballot_and_one_open_for_the_demo_deputy(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_deputies", stdout=open("/dev/null", "w"))
    call_command("seed_voting", stdout=open("/dev/null", "w"))
    finished = Ballot.objects.get(status=BallotStatus.PUBLISHED)
    assert services.recount(finished)[1] == []
    assert finished.call.projects.filter(status=ProjectStatus.CHOSEN).exists()
    assert finished.call.projects.filter(progress_reports__isnull=False).exists()
    current = Ballot.objects.get(status=BallotStatus.OPEN)
    mine = Elector.objects.get(ballot=current, deputy__user__username="deputy")
    assert mine.present and not current.participations.filter(deputy=mine.deputy).exists()
    assert current.participations.count() > 0
    # Each local congress of the demo has its ballot, in review, run by its own staff.
    local = Ballot.objects.filter(status=BallotStatus.REVIEW).select_related("congress")
    assert {b.congress.area.code for b in local} == {code for _s, _u, code, _b in LOCAL_CONGRESSES}
    for ballot in local:
        assert ballot.events.filter(move="create", actor__congress=ballot.congress).exists()
    call_command("seed_voting", stdout=open("/dev/null", "w"))  # idempotent
    assert Ballot.objects.count() == 2 + len(LOCAL_CONGRESSES)

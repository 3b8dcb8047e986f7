"""Exactness under load, on PostgreSQL: 500 deputies each submit twice at the
same moment from parallel connections. The database's unique constraint on the
participation row is the only guard between the two submissions (checked: with
the constraint removed from the model and its migration, this test fails
because both copies of a deputy's ballot are accepted)."""
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from congress_portal.accounts.models import Role, User
from deputies.models import Deputy
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot
from voting import services
from voting.models import BallotContent, BallotParticipation, CandidateResult

DEPUTIES = 500
PAIRS = 10  # 20 threads, each with its own database connection


def _deputy_users(deputies):
    users = User.objects.bulk_create(
        [User(username=f"concurrent{d.pk}", role=Role.DEPUTY, password="!") for d in deputies]
    )
    for deputy, user in zip(deputies, users):
        deputy.user = user
    Deputy.objects.bulk_update(deputies, ["user"])
    return list(User.objects.filter(pk__in=[u.pk for u in users]).select_related("deputy").order_by("deputy__pk"))


@pytest.mark.postgres
# serialized_rollback: an earlier transactional test's flush empties the rows the
# migrations made (default policy, review stages); restore them before this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_500_deputies_submitting_twice_at_once_store_exactly_500_ballots(staff_user):
    term = vf.county_term("并发县")
    deputies = vf.serving_deputies(term, DEPUTIES)
    users = _deputy_users(deputies)
    ballot = open_ballot(staff=staff_user, term=term, deputies=deputies, candidates=5, seats=3)
    candidates = list(ballot.candidates.order_by("order"))

    # Each deputy sends two different ballots; whichever lands first is the one kept.
    def first_copy(i):
        return marks_for(ballot, {1 + i % 5, 1 + (i + 2) % 5})

    def second_copy(i):
        return marks_for(ballot, {1 + (i + 1) % 5}, against={1 + (i + 3) % 5})

    outcomes = {}  # (deputy index, copy) -> "ok" | "refused:<code>" | "error:<text>"
    lock = threading.Lock()
    barriers = [threading.Barrier(2) for _ in range(PAIRS)]

    def worker(pair, copy):
        try:
            for i in range(pair, DEPUTIES, PAIRS):
                marks = first_copy(i) if copy == 0 else second_copy(i)
                barriers[pair].wait(timeout=60)  # both copies of deputy i leave together
                try:
                    services.cast_ballot(ballot=ballot, actor=users[i], marks=marks)
                    result = "ok"
                except ValidationError as exc:
                    result = f"refused:{exc.code}:{exc.messages[0]}"
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    result = f"error:{type(exc).__name__}:{exc}"
                with lock:
                    outcomes[(i, copy)] = result
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(pair, copy)) for pair in range(PAIRS) for copy in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads)

    assert len(outcomes) == 2 * DEPUTIES
    errors = [r for r in outcomes.values() if r.startswith("error")]
    assert errors == []
    kept = {}
    for i in range(DEPUTIES):
        results = [outcomes[(i, 0)], outcomes[(i, 1)]]
        assert sorted(r.split(":")[0] for r in results) == ["ok", "refused"], (i, results)
        refused = next(r for r in results if r.startswith("refused"))
        assert refused == f"refused:conflict:{services.already_voted_message()}"
        kept[i] = first_copy(i) if results[0] == "ok" else second_copy(i)

    assert BallotParticipation.objects.filter(ballot=ballot).count() == DEPUTIES
    assert BallotContent.objects.filter(ballot=ballot).count() == DEPUTIES
    duplicates = Counter(BallotParticipation.objects.filter(ballot=ballot).values_list("deputy_id", flat=True))
    assert [d for d, n in duplicates.items() if n > 1] == []

    services.close_voting(ballot=ballot, actor=staff_user)
    services.tally_ballot(ballot=ballot, actor=staff_user)
    expected = {c.pk: Counter() for c in candidates}
    for marks in kept.values():
        for key, choice in marks.items():
            expected[int(key)][choice] += 1
    stored = {
        r.candidate_id: Counter({"for": r.votes_for, "against": r.votes_against, "abstain": r.votes_abstain})
        for r in CandidateResult.objects.filter(ballot=ballot)
    }
    # Counter's unary + drops zero counts on both sides.
    assert {pk: +c for pk, c in stored.items()} == {pk: +c for pk, c in expected.items()}
    assert services.recount(ballot)[1] == []

"""Closing the vote while ballots are being written, on PostgreSQL.

Deputies vote through the API from parallel connections (threads, each with its
own connection) and staff enter paper batches while a staff member closes the
vote in the middle of the stream. Every ballot is either counted (stored before
the close, answered 201) or refused with the closed-vote message (409, nothing
stored); none is stored after the close and none that got a 201 is lost.

What guards this is the ballot's advisory lock: a writer holds it shared
(``services.casting._hold_open_ballot``), ``close_voting`` exclusive
(``services.common._exclude_voters``). Checked, three runs each: with the shared lock
removed, or with the exclusive one removed from close_voting, this test fails
("ballots were stored after the close": ballots that read the ballot as open
were stored outside the set the close shuffled, and answered 201). With the
earlier guard (writers' SELECT ... FOR SHARE against close's FOR UPDATE) it
failed too, differently: the close starved behind the stream of share lockers
and only went through once every deputy had voted, so nothing was refused."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot
from tests.voting.test_concurrency import _deputy_users
from voting import selectors, services
from voting.services import ballots as ballot_services
from voting.models import Ballot, BallotContent, BallotParticipation, BallotStatus, TallySummary

ELECTRONIC = 240  # deputies voting on their phones
PAPER = 40  # deputies handing in paper ballots, entered by staff in batches
PAPER_BATCH = 4
WRITERS = 12  # API threads, each with its own database connection
CLOSE_AFTER = 80  # staff press "close" once this many ballots have been accepted


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_while_ballots_are_written_counts_or_refuses_each_one(staff_user, monkeypatch):
    term = vf.county_term("收票县")
    deputies = vf.serving_deputies(term, ELECTRONIC + PAPER)
    users = _deputy_users(deputies[:ELECTRONIC])
    ballot = open_ballot(staff=staff_user, term=term, deputies=deputies, candidates=5, seats=3)
    paper_deputies = deputies[ELECTRONIC:]
    url = f"/api/voting/ballots/{ballot.pk}/vote/"

    # What the close saw inside its own transaction: the rows it shuffled.
    at_close = {}
    shuffle = ballot_services.shuffle_contents

    def shuffle_and_remember(closing):
        at_close["hashes"] = set(BallotContent.objects.filter(ballot=closing).values_list("receipt_hash", flat=True))
        at_close["contents"] = BallotContent.objects.filter(ballot=closing).count()
        at_close["deputies"] = set(BallotParticipation.objects.filter(ballot=closing).values_list("deputy_id", flat=True))
        shuffle(closing)

    monkeypatch.setattr(ballot_services, "shuffle_contents", shuffle_and_remember)

    marks = {i: marks_for(ballot, {1 + i % 5, 1 + (i + 1) % 5}, against={1 + (i + 2) % 5}) for i in range(ELECTRONIC)}
    paper_marks = marks_for(ballot, {1, 3})
    lock = threading.Lock()
    accepted = threading.Event()  # CLOSE_AFTER ballots in: staff close
    halfway = threading.Event()  # half of that: the paper clerk starts, so batches straddle the close
    electronic = {}  # deputy index -> (HTTP status, body)
    paper = {}  # batch number -> "ok" | "refused:<message>" | "error:<text>"
    closing = {}

    def note_success():
        with lock:
            done = sum(1 for code, _ in electronic.values() if code == 201) + PAPER_BATCH * sum(1 for r in paper.values() if r == "ok")
        if done >= CLOSE_AFTER // 2:
            halfway.set()
        if done >= CLOSE_AFTER:
            accepted.set()

    def voter(writer):
        client = APIClient()
        try:
            for i in range(writer, ELECTRONIC, WRITERS):
                client.force_authenticate(users[i])
                response = client.post(url, {"marks": marks[i]}, format="json")
                with lock:
                    electronic[i] = (response.status_code, response.json())
                if response.status_code == 201:
                    note_success()
        finally:
            connection.close()

    def paper_clerk():
        try:
            assert halfway.wait(timeout=300)
            for number, start in enumerate(range(0, PAPER, PAPER_BATCH)):
                batch = paper_deputies[start:start + PAPER_BATCH]
                try:
                    services.enter_paper_batch(
                        ballot=ballot, label=f"第{number + 1}批", deputy_ids=[d.pk for d in batch],
                        ballots=[paper_marks for _ in batch], actor=staff_user,
                    )
                    result = "ok"
                except ValidationError as exc:
                    result = f"refused:{exc.messages[0]}"
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    result = f"error:{type(exc).__name__}:{exc}"
                with lock:
                    paper[number] = result
                if result == "ok":
                    note_success()
        finally:
            connection.close()

    def closer():
        client = APIClient()
        client.force_authenticate(staff_user)
        try:
            assert accepted.wait(timeout=300)
            response = client.post(f"/api/voting/ballots/{ballot.pk}/close/")
            closing["response"] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=voter, args=(w,)) for w in range(WRITERS)]
    threads += [threading.Thread(target=paper_clerk), threading.Thread(target=closer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads)

    # The close went through, in the middle of the stream.
    assert closing["response"][0] == 200, closing
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.CLOSED
    assert len(electronic) == ELECTRONIC and len(paper) == PAPER // PAPER_BATCH

    # Each ballot was either accepted (201 with a receipt) or refused with the clear message.
    unexpected = {i: r for i, r in electronic.items() if r[0] not in (201, 409)}
    assert unexpected == {}
    refused = {i for i, (code, _) in electronic.items() if code == 409}
    assert {electronic[i][1]["detail"] for i in refused} == {services.closed_message()}
    receipts = {i: body["receipt"] for i, (code, body) in electronic.items() if code == 201}
    assert [r for r in paper.values() if not (r == "ok" or r == f"refused:{services.closed_message()}")] == []
    paper_ok = [n for n, r in paper.items() if r == "ok"]
    assert refused, "the close came after every ballot: nothing raced"
    assert len(receipts) + PAPER_BATCH * len(paper_ok) >= CLOSE_AFTER

    # Counted = exactly the accepted ones; nothing stored after the close.
    expected_deputies = {deputies[i].pk for i in receipts}
    for number in paper_ok:
        expected_deputies |= {d.pk for d in paper_deputies[number * PAPER_BATCH:(number + 1) * PAPER_BATCH]}
    stored_deputies = set(BallotParticipation.objects.filter(ballot=ballot).values_list("deputy_id", flat=True))
    assert stored_deputies == expected_deputies
    assert at_close["deputies"] == stored_deputies, "ballots were stored after the close"
    stored_hashes = list(BallotContent.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    assert len(stored_hashes) == len(expected_deputies) == at_close["contents"]
    assert set(stored_hashes) == at_close["hashes"], "ballot content was stored after the close"

    # No 201 lost: every receipt handed out finds its stored ballot.
    electronic_hashes = {h for h in stored_hashes if h is not None}
    assert electronic_hashes == {services.receipt_hash(code) for code in receipts.values()}
    assert all(selectors.check_receipt(code).found for code in receipts.values())

    # And the tally agrees with what was accepted.
    services.tally_ballot(ballot=Ballot.objects.get(pk=ballot.pk), actor=staff_user)
    assert TallySummary.objects.get(ballot=ballot).ballots_cast == len(expected_deputies)
    assert services.recount(ballot)[1] == []

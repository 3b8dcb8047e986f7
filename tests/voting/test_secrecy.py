"""Secrecy: nothing in the schema, the physical storage after closing, or any
output (API, pages, admin, export), staff's included, links a ballot's content
to a deputy."""
import io
import re
import uuid

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection, models
from django.urls import reverse

from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot
from voting import services
from voting.models import BallotContent, BallotParticipation


def test_content_and_participation_share_nothing_but_the_ballot():
    content_fields = {f.name: f for f in BallotContent._meta.get_fields() if f.concrete}
    participation_fields = {f.name: f for f in BallotParticipation._meta.get_fields() if f.concrete}
    assert set(content_fields) == {"id", "ballot", "marks", "is_valid", "receipt_hash"}
    assert set(content_fields) & set(participation_fields) == {"id", "ballot"}
    # A random key: not a sequence, not a time-based UUID.
    assert isinstance(content_fields["id"], models.UUIDField) and content_fields["id"].default is uuid.uuid4
    assert isinstance(participation_fields["id"], models.BigAutoField)  # participation order says nothing about content
    for fields in (content_fields, participation_fields):
        assert not [n for n, f in fields.items() if isinstance(f, (models.DateField, models.DateTimeField))]
    related = {f.related_model for f in content_fields.values() if f.is_relation}
    assert related == {apps.get_model("voting", "Ballot")}
    assert BallotContent not in {f.related_model for f in participation_fields.values() if f.is_relation}
    # No audit history on either table: a history row carries a timestamp.
    for name in ("HistoricalBallotContent", "HistoricalBallotParticipation"):
        with pytest.raises(LookupError):
            apps.get_model("voting", name)
    assert BallotContent._meta.ordering == ["ballot_id", "id"]


@pytest.mark.postgres
# serialized_rollback: an earlier transactional test's flush empties the rows the
# migrations made (default policy, review stages); restore them before this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_rewrites_contents_so_storage_order_and_transaction_ids_no_longer_follow_the_voters(staff_user):
    term = vf.county_term("保密县")
    deputies = vf.serving_deputies(term, 24)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff_user, term=term, deputies=deputies, candidates=4, seats=2)
    cast_order = [services.receipt_hash(services.cast_ballot(ballot=ballot, actor=u, marks=marks_for(ballot, {1 + i % 4}))) for i, u in enumerate(users)]

    def physical():
        with connection.cursor() as cursor:
            cursor.execute("SELECT receipt_hash, xmin::text FROM voting_ballotcontent WHERE ballot_id = %s ORDER BY ctid", [ballot.pk])
            return cursor.fetchall()

    before = physical()
    # The threat is real while voting is open: storage order and xmin follow the voters.
    assert [h for h, _x in before] == cast_order
    assert len({x for _h, x in before}) == len(users)
    services.close_voting(ballot=ballot, actor=staff_user)
    after = physical()
    assert sorted(h for h, _x in after) == sorted(cast_order)  # nothing lost, receipts still verify
    assert [h for h, _x in after] != cast_order
    assert len({x for _h, x in after}) == 1  # one transaction wrote them all
    by_key = list(BallotContent.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    assert by_key != cast_order
    assert services.tally_ballot(ballot=ballot, actor=staff_user).ballots_cast == 24


@pytest.mark.django_db
def test_no_output_puts_a_deputy_next_to_a_ballots_content(county, staff_user, admin_client, client, api_client):
    deputies = vf.serving_deputies(county, 6)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    for i, user in enumerate(users[:5]):
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1 + i % 3}))
    services.enter_paper_batch(ballot=ballot, label="第1批", deputy_ids=[deputies[5].pk], ballots=[marks_for(ballot, {2})], actor=staff_user)
    services.close_voting(ballot=ballot, actor=staff_user)
    services.tally_ballot(ballot=ballot, actor=staff_user)
    contents = list(BallotContent.objects.filter(ballot=ballot))
    content_marks = [str(c.id) for c in contents] + [c.receipt_hash for c in contents if c.receipt_hash]
    names = [d.name for d in deputies]

    client.force_login(staff_user)
    api_client.force_authenticate(staff_user)
    outputs = {
        "staff page": client.get(reverse("voting:staff_ballot", args=[ballot.pk])).content.decode(),
        "result page": client.get(reverse("voting:result", args=[ballot.pk])).content.decode(),
        "api detail": api_client.get(reverse("voting-ballot-detail", args=[ballot.pk])).content.decode(),
        "api roll": api_client.get(reverse("voting-ballot-roll", args=[ballot.pk])).content.decode(),
        "api results": api_client.get(reverse("voting-ballot-results", args=[ballot.pk])).content.decode(),
        "api recount": api_client.get(reverse("voting-ballot-recount", args=[ballot.pk])).content.decode(),
        "admin contents": admin_client.get(reverse("admin:voting_ballotcontent_changelist")).content.decode(),
        "admin content": admin_client.get(reverse("admin:voting_ballotcontent_change", args=[contents[0].pk])).content.decode(),
        "admin participations": admin_client.get(reverse("admin:voting_ballotparticipation_changelist")).content.decode(),
        "admin participation": admin_client.get(
            reverse("admin:voting_ballotparticipation_change", args=[BallotParticipation.objects.first().pk])
        ).content.decode(),
    }
    book = openpyxl.load_workbook(io.BytesIO(api_client.get(reverse("voting-ballot-export", args=[ballot.pk])).content))
    outputs["xlsx export"] = "\n".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None)
    assert "当选" in outputs["xlsx export"]
    assert any(n in outputs["api roll"] for n in names) and any(c in outputs["admin contents"] for c in content_marks)
    for name, text in outputs.items():
        shows_deputy = any(n in text for n in names)
        shows_content = any(c in text for c in content_marks)
        assert not (shows_deputy and shows_content), name
    for name in ("result page", "api results", "xlsx export", "admin contents", "admin content"):
        assert not any(n in outputs[name] for n in names), name


# --------------------------------------------------------------------------- the admin (issue 13, finding 1)
ADMIN_LINK = re.compile(r'href="(/admin/voting/[a-z]+/[^/"]+/change/)"')
CHOICE_WORDS = ("赞成", "反对", "弃权", "&#x27;for&#x27;", "&#x27;against&#x27;", "&#x27;abstain&#x27;")


def _admin_user(kind):
    if kind == "superuser":
        return df.UserFactory(role="staff", is_staff=True, is_superuser=True)
    user = df.staff_user(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="voting", codename__startswith="view_"))
    return user


def _crawl(client):
    """Every voting admin list, and every detail page a list links to: {url: html}."""
    pages = {}
    for model in admin.site._registry:
        if model._meta.app_label != "voting":
            continue
        url = reverse(f"admin:voting_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        for link in ADMIN_LINK.findall(pages[url]):
            detail = client.get(link)
            if detail.status_code == 200:
                pages[link] = detail.content.decode()
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_no_admin_page_shows_which_contents_belong_to_the_deputy_who_just_voted(kind, county, staff_user, client):
    deputies = vf.serving_deputies(county, 8)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    for i, user in enumerate(users[:4]):
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1 + i % 3}))
    client.force_login(_admin_user(kind))
    before = _crawl(client)

    voter = deputies[6]
    services.cast_ballot(ballot=ballot, actor=users[6], marks=marks_for(ballot, {2}, against={3}))
    after = _crawl(client)

    # While voting is open no content is listed or linked at all, old or new.
    content_ids = [str(pk) for pk in BallotContent.objects.filter(ballot=ballot).values_list("pk", flat=True)]
    assert len(content_ids) == 5
    for url, html in after.items():
        assert not any(c in html for c in content_ids), url
    # What changed when the deputy voted says that they voted, never how.
    for url, html in after.items():
        added = set(html.splitlines()) - set(before.get(url, "").splitlines())
        assert not [line for line in added if any(word in line for word in CHOICE_WORDS)], url
    # Participations: listed by deputy name, without ids, links, checkboxes or a detail page.
    listing = after[reverse("admin:voting_ballotparticipation_changelist")]
    assert voter.name in listing
    shown = [d.name for d in sorted(deputies[:4] + [voter], key=lambda d: d.name)]
    assert sorted(shown, key=listing.index) == shown
    participation = BallotParticipation.objects.get(ballot=ballot, deputy=voter)
    assert f"/ballotparticipation/{participation.pk}/" not in listing and "_selected_action" not in listing
    for view in ("change", "history"):
        url = reverse(f"admin:voting_ballotparticipation_{view}", args=[participation.pk])
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_after_closing_participation_ids_no_longer_follow_the_voting_order(county, staff_user, admin_client):
    deputies = vf.serving_deputies(county, 12)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    voting_order = [d.pk for d in deputies[::-1]]  # against the deputies' own id order too
    for deputy_id in voting_order:
        user = users[[d.pk for d in deputies].index(deputy_id)]
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1}))

    def by_id():
        return list(BallotParticipation.objects.filter(ballot=ballot).order_by("pk").values_list("deputy_id", flat=True))

    assert by_id() == voting_order  # the threat: while open, ids follow the voters
    services.close_voting(ballot=ballot, actor=staff_user)
    after = by_id()
    assert sorted(after) == sorted(voting_order)  # nobody lost or added
    assert after != voting_order and after != sorted(voting_order)
    # Contents are listed only once the ballot is tallied.
    contents = reverse("admin:voting_ballotcontent_changelist")
    some = str(BallotContent.objects.filter(ballot=ballot).values_list("pk", flat=True).first())
    assert some not in admin_client.get(contents).content.decode()
    services.tally_ballot(ballot=ballot, actor=staff_user)
    assert some in admin_client.get(contents).content.decode()

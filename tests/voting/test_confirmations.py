"""Ballot moves that cannot be undone (结束投票, 计票, 公布结果, 宣布无效) first
answer a page stating their consequence, computed from the stored rows; the
move is made only when that page is sent back, and the message afterwards
says what happened."""
import pytest
from django.urls import reverse

from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot
from voting import services
from voting.models import BallotStatus

pytestmark = pytest.mark.django_db


def move(client, ballot, action, **data):
    return client.post(reverse("voting:staff_ballot_action", args=[ballot.pk, action]), data, follow=True)


def test_closing_without_a_quorum_says_the_ballot_will_be_invalid_and_waits_for_confirmation(county, staff_user, client):
    deputies = vf.serving_deputies(county, 7)
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:3], candidates=2, seats=1)
    for deputy in deputies[:2]:
        services.cast_ballot(ballot=ballot, actor=df.deputy_user(deputy=deputy), marks=marks_for(ballot, {1}))
    client.force_login(staff_user)
    page = move(client, ballot, "close").content.decode()
    assert "已投票2人，出席3人，全体代表7人，出席未过半数（须4人），本次票决无效" in page
    assert "还有1名出席代表没有投票。" in page and 'name="confirmed" value="1"' in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.OPEN
    # Tally cannot be confirmed: the page says why and has no button.
    services.close_voting(ballot=ballot, actor=staff_user)
    page = move(client, ballot, "tally").content.decode()
    assert "不能计票，只能宣布本次票决无效" in page and "确认计票</button>" not in page
    page = move(client, ballot, "declare_invalid", confirmed="1").content.decode()
    assert "本次票决已宣布无效，候选项目已退回项目库。" in page and "操作成功" not in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.INVALID


def test_close_tally_and_publish_each_state_their_outcome_first(county, staff_user, client):
    deputies = vf.serving_deputies(county, 5)
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    for deputy in deputies[:4]:
        services.cast_ballot(ballot=ballot, actor=df.deputy_user(deputy=deputy), marks=marks_for(ballot, {2}))
    client.force_login(staff_user)
    assert "出席已过半数（须3人）：结束后即可计票" in move(client, ballot, "close").content.decode()
    page = move(client, ballot, "close", confirmed="1").content.decode()
    assert "投票已结束：已投票4人，出席5人，全体代表5人。" in page
    page = move(client, ballot, "tally").content.decode()
    assert "1个项目当选（应选1个，赞成票须达3票）" in page and "候选项目2：赞成4票，当选" in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.CLOSED
    assert "计票完成：1个项目当选（应选1个），结果尚未公布。" in move(client, ballot, "tally", confirmed="1").content.decode()
    page = move(client, ballot, "publish").content.decode()
    assert "公布后，计票结果向社会公开，不能撤回；当选的1个项目转入实施" in page and "当选：候选项目2" in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.TALLIED and ballot.published_at is None
    assert "结果已公布：1个当选项目转入实施。" in move(client, ballot, "publish", confirmed="1").content.decode()
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.PUBLISHED

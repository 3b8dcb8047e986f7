"""The deputy's ballot on a phone (390×844), clicked through in Chromium: sign in,
open the ballot, mark for / against / abstain, be refused for approving more than
N (the marks kept), submit, keep the receipt, be refused a second time from a
second tab, and find the ballot counted on the receipt check page once staff
have tallied. axe-core finds no serious or critical violation on the ballot page,
nor on the unit's project pages and staff's side-by-side overview."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PHONE, follow_nav
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import open_ballot
from voting import services
from voting.models import Ballot, BallotContent, BallotParticipation, CandidateResult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
TITLES = ["城区老旧小区加装电梯", "农村饮水安全巩固提升", "中小学校食堂改造", "社区居家养老服务中心建设"]


def serious_violations(page):
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation.get("impact") in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return found


def candidate_group(page, order):
    """The fieldset of the candidate at ``order`` on the ballot (its legend starts with the number)."""
    return page.get_by_role("group", name=re.compile(rf"^{order}\. "))


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_a_deputy_votes_on_the_phone_once_and_finds_the_ballot_counted(open_browser, device):
    term = vf.county_term("望城县")
    deputies = vf.serving_deputies(term, 5)
    user = df.deputy_user(username="wangcheng", deputy=deputies[0])
    staff = df.staff_user(username="officer")
    ballot = open_ballot(staff=staff, term=term, deputies=deputies, candidates=4, seats=2)
    for candidate in ballot.candidates.select_related("project").order_by("order"):
        candidate.project.title = TITLES[candidate.order - 1]
        candidate.project.save(update_fields=["title"])

    deputy = open_browser("deputy")
    deputy.sign_in("wangcheng")
    page = deputy.page
    assert page.viewport_size == {"width": 390, "height": 844}
    follow_nav(page, "民生实事票决")
    page.get_by_role("link", name="去投票").click()
    page.get_by_role("heading", name=ballot.title).wait_for()
    # A second tab, opened before voting: its submission comes later.
    other_tab = deputy.context.new_page()
    other_tab.goto(page.url)
    page.bring_to_front()

    # The ballot fits the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_found = {"ballot": serious_violations(page)}

    # Three approvals where two may be chosen: refused, and nothing marked is lost.
    candidate_group(page, 1).get_by_label("赞成").check()
    candidate_group(page, 2).get_by_label("赞成").check()
    candidate_group(page, 3).get_by_label("赞成").check()
    candidate_group(page, 4).get_by_label("反对").check()
    deputy.shot("too-many")
    page.get_by_role("button", name="提交选票").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "赞成的项目不能超过应选项目数2个" in alert.inner_text()
    axe_found["ballot with the error"] = serious_violations(page)
    for order, choice in [(1, "赞成"), (2, "赞成"), (3, "赞成"), (4, "反对")]:
        assert candidate_group(page, order).get_by_label(choice).is_checked(), (order, choice)
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 0

    # Change the third to an abstention and submit: the receipt, shown once.
    candidate_group(page, 3).get_by_label("弃权").check()
    page.get_by_role("button", name="提交选票").click()
    page.get_by_role("heading", name="投票成功").wait_for()
    deputy.shot("receipt")
    receipt = page.locator(".receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt), receipt
    axe_found["receipt"] = serious_violations(page)

    # The second tab submits its own marks: refused, clearly, and nothing changes.
    other_tab.bring_to_front()
    candidate_group(other_tab, 1).get_by_label("反对").check()
    candidate_group(other_tab, 2).get_by_label("反对").check()
    candidate_group(other_tab, 3).get_by_label("反对").check()
    candidate_group(other_tab, 4).get_by_label("反对").check()
    other_tab.get_by_role("button", name="提交选票").click()
    refusal = other_tab.get_by_role("alert")
    refusal.wait_for()
    assert "您已经投过票" in refusal.inner_text() and "未被接受" in refusal.inner_text()
    assert other_tab.get_by_role("button", name="提交选票").count() == 0
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    assert BallotContent.objects.filter(ballot=ballot).count() == 1

    # Before the tally the receipt check says stored, not yet counted.
    page.bring_to_front()
    page.goto("/voting/receipt/")
    page.get_by_label("回执码").fill(receipt.lower())
    page.get_by_role("button", name="核验").click()
    page.get_by_text("您的选票已保存，尚未计票").wait_for()

    # Staff close and tally; the receipt check now says counted.
    services.close_voting(ballot=Ballot.objects.get(pk=ballot.pk), actor=staff)
    services.tally_ballot(ballot=Ballot.objects.get(pk=ballot.pk), actor=staff)
    page.get_by_label("回执码").fill(receipt)
    page.get_by_role("button", name="核验").click()
    page.get_by_text("您的选票已保存，并已计入计票结果").wait_for()
    deputy.shot("counted")
    axe_found["receipt check"] = serious_violations(page)

    counted = {r.candidate.order: (r.votes_for, r.votes_against, r.votes_abstain) for r in CandidateResult.objects.filter(ballot=ballot).select_related("candidate")}
    assert counted == {1: (1, 0, 0), 2: (1, 0, 0), 3: (0, 0, 1), 4: (0, 1, 0)}
    assert {name: found for name, found in axe_found.items() if found} == {}


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_the_unit_and_staff_voting_pages_have_no_serious_violations(open_browser, device):
    """The handling unit's project pages (on a phone, where units report from the
    site) and staff's side-by-side overview, with real figures on them."""
    from tests.voting.test_comparison import finished_county

    staff = df.staff_user(username="officer")
    _term, ballot = finished_county(staff)
    project = ballot.candidates.select_related("project__responsible_unit").order_by("order").first().project
    services.add_milestone(project=project, title="完成招标", due_on=ballot.call.closes_on, actor=staff)
    df.unit_user(unit=project.responsible_unit, username="zhujian")

    found = {}
    unit = open_browser("unit")
    unit.sign_in("zhujian")
    unit.page.goto("/voting/unit/projects/")
    unit.page.get_by_role("link", name=project.title).first.click()
    unit.page.get_by_role("heading", name="报送进展").wait_for()
    found["unit project"] = serious_violations(unit.page)
    # Sent empty past the browser's own checks: the server's errors on the form.
    unit.page.evaluate("document.querySelector('form[enctype]').noValidate = true")
    unit.page.get_by_label("完成进度（%）").fill("")
    unit.page.get_by_role("button", name="报送", exact=True).click()
    unit.page.locator(".errorlist").first.wait_for()
    found["unit project with errors"] = serious_violations(unit.page)
    unit.page.goto("/voting/unit/projects/")
    found["unit projects"] = serious_violations(unit.page)

    officer = open_browser("staff")
    officer.sign_in("officer")
    officer.page.goto("/voting/staff/")
    officer.page.get_by_text("70.0%（7/10）").wait_for()
    found["staff overview"] = serious_violations(officer.page)
    assert {name: v for name, v in found.items() if v} == {}

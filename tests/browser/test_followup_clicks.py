"""回头看 in few clicks, in Chromium: from the dashboard, staff open the follow-up
page (the rule has already ticked the candidates), leave out one unit's items
by searching for it and clearing what the search found, start the round,
confirm, and land on the opened round; a past round opens read-only from the
list. The clicks are counted (the target is at most four)."""
import pytest

from suggestions.models import FollowUpRound, Status
from tests.browser.data import reference_data
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_to_an_opened_round_in_three_clicks(open_browser):
    reference_data()
    actors = Actors()
    transport = df.HandlingUnitFactory(name="湖南省交通运输厅")
    civil = df.HandlingUnitFactory(name="湖南省民政厅")
    road, _, _ = in_status(Status.CLOSED, actors, units=[transport, df.HandlingUnitFactory()])
    care, _, _ = in_status(Status.CLOSED, actors, units=[civil, df.HandlingUnitFactory()])
    actors.staff.set_password("pass-1234-word")
    actors.staff.save()

    staff = open_browser("staff")
    staff.sign_in(actors.staff.username)
    page = staff.page
    page.goto("/suggestions/staff/")
    clicks = 0

    page.get_by_role("navigation", name="工作台").get_by_role("link", name="回头看").click()
    clicks += 1
    # The rule has ticked both; leave out the transport department's item by searching for it.
    assert page.locator(f"#pick-{road.pk}").is_checked() and page.locator(f"#pick-{care.pk}").is_checked()
    page.get_by_label("查找").fill("交通运输厅")
    page.get_by_role("button", name="全不选（列出的）").click()
    page.get_by_label("查找").fill("")
    assert not page.locator(f"#pick-{road.pk}").is_checked() and page.locator(f"#pick-{care.pk}").is_checked()
    staff.shot("candidates")
    page.get_by_role("button", name="开始回头看").click()
    clicks += 1
    page.get_by_text("将对1件已办结建议开展回头看").wait_for()
    page.get_by_role("button", name="确认开始回头看").click()
    clicks += 1
    rnd = FollowUpRound.objects.get()
    page.get_by_role("heading", name=rnd.name).wait_for()
    assert page.get_by_text(f"已开始{rnd.name}").is_visible()
    assert list(rnd.items.values_list("suggestion", flat=True).distinct()) == [care.pk]
    staff.shot("opened")
    assert clicks == 3

    # A past round from the dashboard: the follow-up page, then its name (read-only, no form).
    page.goto("/suggestions/staff/")
    page.get_by_role("navigation", name="工作台").get_by_role("link", name="回头看").click()
    page.get_by_role("link", name=rnd.name).click()
    page.get_by_role("heading", name="列入的建议和二次答复").wait_for()
    assert page.locator("main form[method=post]").count() == 0

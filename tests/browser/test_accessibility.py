"""axe-core (shipped by axe-playwright-python, run in Chromium) finds no
serious or critical violation on the public pages, the deputy pages and the
unit's inbox and item page, with real content on them."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from suggestions import services
from suggestions.models import Status
from tests.browser.conftest import DESKTOP
from tests.browser.data import reference_data
from tests.suggestions.factories import draft, in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return found


@pytest.mark.parametrize("device", [DESKTOP], ids=["desktop"])
def test_no_serious_accessibility_violations(open_browser, device, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    reference_data()
    published, actors, units = in_status(Status.CLOSED)
    services.decide_disclosure(suggestion=published, actor=actors.staff, mode="full")
    pending, _, _ = in_status(Status.ASSIGNED, actors, units=units)
    unit_user = actors.unit_user(units[0])
    unit_user.set_password("pass-1234-word")
    unit_user.save()
    assignment = pending.assignments.get(unit=units[0], is_active=True)
    unfinished = draft(actors, attachments=[SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 a", content_type="application/pdf")])
    actors.staff.set_password("pass-1234-word")
    actors.staff.save()

    checked = {}
    visitor = open_browser("visitor")
    for url in ["/", "/accounts/login/", "/suggestions/", "/suggestions/?q=公路", f"/suggestions/{published.pk}/", "/suggestions/units/", "/deputies/"]:
        visitor.page.goto(url)
        checked[url] = serious_violations(visitor.page)
    # A form shown with its errors.
    visitor.page.goto("/accounts/login/")
    visitor.page.get_by_role("button", name="登录").click()
    checked["login with errors"] = serious_violations(visitor.page)

    deputy = open_browser("deputy")
    deputy.sign_in(actors.deputy_user.username)
    for url in ["/suggestions/mine/", "/suggestions/mine/new/", f"/suggestions/mine/drafts/{unfinished.pk}/", f"/suggestions/mine/{published.pk}/", f"/suggestions/mine/{pending.pk}/", "/suggestions/mine/invitations/"]:
        deputy.page.goto(url)
        checked[url] = serious_violations(deputy.page)
    deputy.page.goto("/suggestions/mine/new/")
    deputy.page.get_by_role("button", name="提交建议").click()
    checked["new suggestion with errors"] = serious_violations(deputy.page)

    unit = open_browser("unit")
    unit.sign_in(unit_user.username)
    for url in ["/suggestions/unit/", f"/suggestions/unit/{assignment.pk}/", "/suggestions/unit/figures/"]:
        unit.page.goto(url)
        checked[url] = serious_violations(unit.page)

    staff = open_browser("staff")
    staff.sign_in(actors.staff.username)
    for url in ["/suggestions/staff/all/", "/suggestions/staff/overdue/", "/suggestions/staff/followup/?results=B"]:
        staff.page.goto(url)
        checked[url] = serious_violations(staff.page)

    failures = {url: found for url, found in checked.items() if found}
    assert not failures, failures

    # The checker itself finds a field without a label, so the pass above means something.
    visitor.page.set_content('<!doctype html><html lang="zh-Hans"><title>t</title><main><input type="text"></main></html>')
    assert any(v.startswith("label ") for v in serious_violations(visitor.page))

"""The Content-Security-Policy holds on the main pages of every role: Chromium
reports no violation (securitypolicyviolation event, or a "Content Security
Policy" console message) on the public pages, the API reference page, and the
pages of a deputy, a handling unit, a station keeper and committee staff."""
import pytest

from suggestions import services
from suggestions.models import Status
from tests.browser.conftest import DESKTOP
from tests.browser.data import reference_data
from tests.deputies import factories as df
from tests.liaison_stations.factories import IssueFactory, station_with_keeper
from tests.suggestions.factories import in_status
from tests.training.factories import EnrolmentFactory, TrainingSessionFactory
from tests.voting import factories as vf
from tests.voting.conftest import open_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (Playwright injects it outside the page's policy).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
});
"""


class Watch:
    """Every violation one person's browser reports, by page."""

    def __init__(self, person):
        self.person = person
        self.console = []
        person.context.add_init_script(WATCH)
        person.page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url, *, wait_for=None):
        page = self.person.page
        self.console.clear()
        response = page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        page.wait_for_load_state("networkidle")
        if wait_for:
            page.locator(wait_for).first.wait_for()
        return self.violations()

    def violations(self):
        return self.person.page.evaluate("window.__cspViolations || []") + list(self.console)


@pytest.mark.parametrize("device", [DESKTOP], ids=["desktop"])
def test_no_page_breaks_the_content_security_policy(open_browser, device, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    reference_data()
    published, actors, units = in_status(Status.CLOSED)
    services.decide_disclosure(suggestion=published, actor=actors.staff, mode="full")
    pending, _, _ = in_status(Status.ASSIGNED, actors, units=units)
    unit_user = actors.unit_user(units[0])
    assignment = pending.assignments.get(unit=units[0], is_active=True)
    for user in (unit_user, actors.staff, actors.deputy_user):
        user.set_password("pass-1234-word")
        user.save()
    # Into the Django admin too (its export and history pages come from other packages).
    actors.staff.is_staff = actors.staff.is_superuser = True
    actors.staff.save()
    keeper = df.keeper_user(username="keeper")
    station = station_with_keeper(keeper)
    issue = IssueFactory(station=station)
    session = TrainingSessionFactory()
    EnrolmentFactory(session=session, deputy=actors.deputy_user.deputy)
    term = vf.county_term("望城县")
    ballot = open_ballot(staff=actors.staff, term=term, deputies=vf.serving_deputies(term, 3), candidates=3, seats=2)

    found = {}

    def check(watch, url, **kwargs):
        found[f"{watch.person.name}: {url}"] = watch.visit(url, **kwargs)

    visitor = Watch(open_browser("visitor"))
    for url in ["/", "/accounts/login/", "/suggestions/", "/suggestions/?q=公路", f"/suggestions/{published.pk}/",
                "/suggestions/units/", "/deputies/", "/stations/", f"/stations/{station.pk}/", "/stations/track/",
                "/voting/", "/voting/results/"]:
        check(visitor, url)
    # The API reference, drawn by Swagger UI's scripts from the schema.
    check(visitor, "/api/docs/", wait_for=".swagger-ui .info")

    deputy = Watch(open_browser("deputy"))
    deputy.person.sign_in(actors.deputy_user.username)
    for url in ["/landing/", "/suggestions/mine/", "/suggestions/mine/new/", f"/suggestions/mine/{published.pk}/",
                "/suggestions/mine/invitations/", "/training/my/", "/training/my/record/", "/notifications/"]:
        check(deputy, url)

    unit = Watch(open_browser("unit"))
    unit.person.sign_in(unit_user.username)
    for url in ["/suggestions/unit/", f"/suggestions/unit/{assignment.pk}/", "/suggestions/unit/figures/", "/stations/unit/issues/"]:
        check(unit, url)

    station_keeper = Watch(open_browser("keeper"))
    station_keeper.person.sign_in("keeper")
    for url in ["/stations/work/", "/stations/work/issues/", f"/stations/work/issues/{issue.pk}/", f"/stations/work/{station.pk}/visits/new/",
                f"/stations/work/{station.pk}/rota/", f"/stations/{station.pk}/qr/print/"]:
        check(station_keeper, url)

    staff = Watch(open_browser("staff"))
    staff.person.sign_in(actors.staff.username)
    for url in ["/suggestions/staff/", "/suggestions/staff/all/", "/suggestions/staff/review/", f"/suggestions/staff/{pending.pk}/",
                "/suggestions/staff/overdue/", "/suggestions/staff/followup/?results=B", "/training/sessions/",
                f"/training/sessions/{session.pk}/", f"/training/sessions/{session.pk}/qr/", "/training/coverage/",
                "/voting/staff/", f"/voting/staff/ballots/{ballot.pk}/", "/stations/figures/",
                "/admin/", "/admin/suggestions/suggestion/", "/admin/deputies/deputy/export/",
                f"/admin/deputies/deputy/{actors.deputy_user.deputy.pk}/history/"]:
        check(staff, url)
    # The export page's "select all" still works, bound by a file instead of onchange="".
    page = staff.person.page
    page.goto("/admin/deputies/deputy/export/")
    assert "/admin/login/" not in page.url
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 1
    page.locator("input.select-toggle").first.uncheck()
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    page.locator("input.select-toggle").first.check()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))

    failures = {page: violations for page, violations in found.items() if violations}
    assert not failures, failures

    # The watch itself sees a violation, so the pass above means something.
    staff.person.page.evaluate("document.head.appendChild(document.createElement('style')).textContent = 'body{}'")
    staff.person.page.wait_for_function("window.__cspViolations.length > 0")

"""Every page in each role's navigation (and the page where that role does its
work), opened in Chromium on a phone (390×844) and a desktop (1366×768). A page
fails on:
- horizontal overflow (document.scrollingElement.scrollWidth > innerWidth);
- any request to another origin (fonts, CDNs, ...);
- a native <select> of more than 20 options that has no search;
- an axe-core violation of serious or critical impact.
The data is big enough for the old pickers to fail: 25 units of the province
and 25 deputies of the deputy's term."""
import datetime
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from liaison_stations.models import Station
from suggestions import services
from suggestions.models import Status
from tests.browser.conftest import PHONE
from tests.browser.data import reference_data
from tests.deputies import factories as df
from tests.liaison_stations import factories as lf
from tests.suggestions.factories import Actors, in_status
from tests.voting import factories as vf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
SERIOUS = {"serious", "critical"}
ROLES = ["public", "deputy", "unit", "staff", "keeper"]

# A phone browser zooms out to show a page wider than the screen, and then
# innerWidth grows with it: the width the page was laid out for is
# documentElement.clientWidth, so the smaller of the two is the limit.
PAGE_PROBLEMS = """() => {
  const found = [];
  const width = document.scrollingElement.scrollWidth;
  const limit = Math.min(window.innerWidth, document.documentElement.clientWidth);
  if (width > limit) {
    const wide = Array.from(document.querySelectorAll("body *"))
      .filter(el => el.getBoundingClientRect().right > limit + 1)
      .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : ""));
    found.push(`overflow: ${width} > ${limit} (${wide.join(", ")})`);
  }
  for (const select of document.querySelectorAll("select")) {
    if (select.options.length > 20 && !select.tomselect) {
      found.push(`select "${select.name || select.id}" lists ${select.options.length} options without search`);
    }
  }
  return found;
}"""


def world():
    """One person per role with real work on their pages."""
    reference_data()
    actors = Actors()
    congress = actors.deputy.mandates.get().congress
    units = [df.HandlingUnitFactory(name=f"湖南省第{i:02d}厅", area=congress.area) for i in range(25)]
    for _ in range(25):
        df.MandateFactory(term=actors.deputy.mandates.get().term)
    registered, _, _ = in_status(Status.REGISTERED, actors, units=units[:2])
    assigned, _, _ = in_status(Status.ASSIGNED, actors, units=units[:2])
    in_status(Status.REPLIED, actors, units=units[:2])
    published, _, _ = in_status(Status.CLOSED, actors, units=units[:2])
    services.decide_disclosure(suggestion=published, actor=actors.staff, mode="full")
    in_status(Status.CLOSED, actors, units=units[:2])  # a candidate of the follow-up page
    reviewed, _, _ = in_status(Status.FOLLOWUP, actors, units=units[:2])
    followup_round = reviewed.followup_items.get().round
    keeper = df.keeper_user()
    county = df.AreaFactory(kind="county", parent=congress.area)
    station = lf.station_with_keeper(keeper, area=df.AreaFactory(kind="township", parent=county))
    lf.StationingFactory(station=station, deputy=actors.deputy)
    issue = lf.IssueFactory(station=station)
    meeting = services.prepare_handover_meeting(
        actor=actors.staff, congress=registered.congress, title="交办会", planned_on=registered.submitted_at.date()
    )
    services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=registered, lead_unit=units[0], co_units=units[1:2])
    today = timezone.localdate()
    open_session = df.SessionFactory(term=actors.deputy.mandates.get().term, year=today.year, number=9,
                                     start_date=today - datetime.timedelta(days=1), end_date=today + datetime.timedelta(days=3))
    draft = services.draft_motion(actor=actors.deputy_user, session=open_session, title="关于制定条例的议案", content="方案")
    unit_user = actors.unit_user(units[0])
    call = vf.ProjectCallFactory(congress=congress)
    for i in range(3):
        vf.ProjectFactory(call=call, title=f"民生实事候选项目{i}")
    people = {"staff": actors.staff, "deputy": actors.deputy_user, "unit": unit_user, "keeper": keeper}
    for user in people.values():
        user.set_password("pass-1234-word")
        user.save()
    export, refused = background_jobs(actors.staff)
    work = {
        "public": [f"/suggestions/{published.pk}/", f"/stations/{station.pk}/"],
        "staff": [
            f"/suggestions/staff/{registered.pk}/", "/deputies/import/", f"/jobs/{export.pk}/", f"/jobs/{refused.pk}/",
            "/suggestions/staff/documents/send-progress-notices/", "/suggestions/staff/followup/",
            f"/suggestions/staff/followup/{followup_round.pk}/", "/training/coverage/",
            f"/suggestions/staff/handover/{meeting.pk}/", f"/suggestions/staff/handover/{meeting.pk}/hold/",
            "/suggestions/staff/documents/templates/", "/suggestions/staff/documents/templates/assignment_letter/",
            "/training/sessions/new/", "/training/plans/", "/training/plans/new/", f"/voting/staff/calls/{call.pk}/ballots/new/",
            f"/deputies/staff/logins/?congress={congress.pk}",
        ],
        "unit": [f"/suggestions/unit/{assigned.assignments.get(unit=units[0], is_active=True).pk}/"],
        "deputy": [f"/suggestions/mine/{assigned.pk}/", "/suggestions/mine/new/", "/suggestions/mine/motions/new/",
                   f"/suggestions/mine/motions/{draft.pk}/"],
        "keeper": [f"/stations/work/issues/{issue.pk}/"],
    }
    assert Station.objects.count() == 1
    return people, work


def background_jobs(staff):
    """A finished export (its download link) and a roster import refused for
    a bad row (its errors table), run here as a worker would run them."""
    from django.core.files.base import ContentFile

    from congress_portal.jobs import services as job_services
    from congress_portal.jobs.models import Job
    from tests.deputies.conftest import row, xlsx_bytes

    export = Job.objects.create(kind="suggestions.export", started_by=staff, params={"filter": {}})
    job_services.run_job(job_id=export.pk)
    refused = Job(kind="deputies.roster_import", started_by=staff, input_name="名册.xlsx")
    refused.input_file.save("名册.xlsx", ContentFile(xlsx_bytes([row(level="州"), row(name="")])), save=False)
    refused.save()
    job_services.run_job(job_id=refused.pk)
    return export, refused


def serious_violations(page):
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation.get("impact") in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_navigation_fits_stays_local_and_passes_axe(open_browser, device, role, live_server,
                                                                      settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the demo jobs' files
    people, work = world()
    person = open_browser(role)
    page = person.page
    origin = urlparse(live_server.url).netloc
    foreign = []
    person.context.on(
        "request", lambda request: foreign.append(request.url)
        if urlparse(request.url).scheme in ("http", "https", "ws", "wss") and urlparse(request.url).netloc != origin else None
    )
    if role == "public":
        page.goto("/")
    else:
        person.sign_in(people[role].username)
    links = page.eval_on_selector_all("#site-nav-links a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 3, links
    failures = {}
    for url in dict.fromkeys([*links, *work[role]]):
        response = page.goto(url)
        assert response.status < 400, (url, response.status)
        found = page.evaluate(PAGE_PROBLEMS) + serious_violations(page)
        if foreign:
            found.append(f"requests to another origin: {sorted(set(foreign))[:3]}")
            foreign.clear()
        if found:
            failures[url] = found
        person.shot(url.strip("/").replace("/", "-") or "home")
    assert not failures, failures


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_the_checks_catch_what_they_look_for(open_browser, device):
    """A page made to break every rule is caught by each check."""
    person = open_browser("checker")
    page = person.page
    options = "".join(f"<option>{i}</option>" for i in range(21))
    page.set_content(
        '<!doctype html><html lang="zh-Hans"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>'
        '<main><div style="width:500px">宽</div>'
        f'<label for="s">单位</label><select id="s" name="unit">{options}</select><input type="text"></main></html>'
    )
    found = page.evaluate(PAGE_PROBLEMS)
    assert any(line.startswith("overflow: ") for line in found), found
    assert any('select "unit" lists 21' in line for line in found), found
    assert any(line.startswith("axe label ") for line in serious_violations(page))

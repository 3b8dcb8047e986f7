"""One definition of every published figure: a fixture of rated items across
units, and every page, notice and export that shows a unit's satisfaction and
on-time rate gives the same numbers for it.

The fixture (this year, one session whose handling period ended yesterday):
省交通运输厅 leads four items -
  a) replied on time, rated 满意/满意, closed;
  b) replied LATE, rated 过程不满意/结果满意, re-handled within the new due
     date and then rated 满意/满意 (the superseded rating does not count, the
     late first reply does);
  c) replied on time, rated 基本满意/基本满意, closed;
  d) replied on time, rated 过程不满意/结果满意, now re-handling.
  -> on-time 3 of 4 = 75.0 %, satisfaction 3 of 4 current ratings = 75.0 %.
省财政厅 leads two: f) replied on time and rated 满意, g) assigned, not due.
  -> on-time 1 of 1 = 100.0 %, satisfaction 1 of 1 = 100.0 %, too few ratings to rank.
Counting the result rating only, old ratings, or the latest reply against the
latest due date (as the pages did) gives 100 % for 省交通运输厅."""
import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.services import Recipient
from suggestions import figures, notices, selectors, services
from suggestions.models import Assignment, Satisfaction, Status
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, result, submit

pytestmark = pytest.mark.django_db
S, M, N = Satisfaction.SATISFIED, Satisfaction.MOSTLY, Satisfaction.NOT_SATISFIED


def handle(actors, unit, *, session, late=False, ratings=()):
    """One item led by ``unit``: assigned, acknowledged, replied (late if asked),
    then rated in turn; a 不满意 round is answered by a re-handling reply before
    the next rating."""
    s = submit(actors, year=session.year)
    type(s).objects.filter(pk=s.pk).update(session=session)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=unit)
    a = s.assignments.get(unit=unit)
    services.acknowledge_assignment(assignment=a, actor=actors.unit_user(unit))
    if late:
        Assignment.objects.filter(pk=a.pk).update(reply_due_at=timezone.now() - datetime.timedelta(days=3))
    for number, (process, outcome) in enumerate(ratings):
        a.refresh_from_db()
        services.reply_to_suggestion(
            assignment=a, actor=actors.unit_user(unit), letter="经研究，答复如下……", result_category=result("A"), signed_off_by="张局长"
        )
        reply = s.replies.get(is_current=True)
        services.rate_reply(reply=reply, actor=actors.deputy_user, process_rating=process, result_rating=outcome, comment="办理过程沟通不够")
    s.refresh_from_db()
    return s


@pytest.fixture
def rated_items(db):
    today = timezone.localdate()
    session = df.SessionFactory(year=today.year, handling_period_end=today - datetime.timedelta(days=1))
    actors = Actors()
    roads = df.HandlingUnitFactory(name="省交通运输厅")
    finance = df.HandlingUnitFactory(name="省财政厅")
    handle(actors, roads, session=session, ratings=[(S, S)])
    b = handle(actors, roads, session=session, late=True, ratings=[(N, S), (S, S)])
    handle(actors, roads, session=session, ratings=[(M, M)])
    d = handle(actors, roads, session=session, ratings=[(N, S)])
    handle(actors, finance, session=session, ratings=[(S, S)])
    handle(actors, finance, session=session)  # g: assigned, acknowledged, not yet due
    assert (b.status, d.status) == (Status.CLOSED, Status.REHANDLING)
    return {"actors": actors, "roads": roads, "finance": finance, "today": today}


EXPECTED = {"roads": (75.0, 75.0), "finance": (100.0, 100.0)}  # (on-time rate, satisfaction rate)


def _page_figure(html, name, unit_pk=None):
    if unit_pk is not None:
        html = re.search(rf'<tr data-unit="{unit_pk}">(.*?)</tr>', html, re.S).group(1)
    value = re.search(rf'data-figure="{name}"[^>]*>([^<%]+)%', html).group(1)
    return float(value)


def test_every_page_notice_and_export_gives_a_unit_the_same_figures(rated_items, client):
    roads, finance, actors, today = rated_items["roads"], rated_items["finance"], rated_items["actors"], rated_items["today"]
    units = {"roads": roads, "finance": finance}
    # The definition itself.
    per_unit = figures.by_unit(assignments=figures.owing_replies())
    for key, unit in units.items():
        assert (per_unit[unit.pk]["on_time_rate"], per_unit[unit.pk]["satisfaction_rate"]) == EXPECTED[key]
    assert (per_unit[roads.pk]["rated"], per_unit[roads.pk]["first_due"]) == (4, 4)

    # The league table (selector and public page).
    league = selectors.league_table()
    rows = {row["unit"].pk: row for row in league["ranked"] + league["apart"]}
    html = client.get(reverse("suggestions:public_units")).content.decode()
    for key, unit in units.items():
        assert (rows[unit.pk]["on_time_rate"], rows[unit.pk]["satisfaction_rate"]) == EXPECTED[key]
        assert (_page_figure(html, "on_time_rate", unit.pk), _page_figure(html, "satisfaction_rate", unit.pk)) == EXPECTED[key]
    assert [row["unit"].pk for row in league["ranked"]] == [roads.pk]  # 省财政厅 has 1 rating: listed apart
    assert "办理过程和办理结果均未评为" in html  # the definition, in the officers' words

    # The unit's own figures (selector and page).
    for key, unit in units.items():
        f = selectors.unit_figures(unit_id=unit.pk)["figures"]
        assert (f["on_time_rate"], f["satisfaction_rate"]) == EXPECTED[key]
        client.force_login(actors.unit_user(unit))
        page = client.get(reverse("suggestions:unit_figures")).content.decode()
        assert (_page_figure(page, "on_time_rate"), _page_figure(page, "satisfaction_rate")) == EXPECTED[key]

    # The monthly progress notice and its summary (the summary is the Excel export).
    monthly = notices.periodic.monthly_notices(today=today, force=True)
    roads_notice = next(m for m in monthly if m.kind == "progress_notice" and m.recipient == Recipient.unit(roads.pk))
    shown = dict(roads_notice.context["figures"])
    assert (shown["按期答复率"], shown["满意率"]) == ("75.0%", "75.0%")
    summary = next(m for m in monthly if m.kind == "progress_summary")
    columns = summary.context["columns"]
    row = next(r for r in summary.context["rows"] if r[1] == "省交通运输厅")
    assert (row[columns.index("按期答复率")], row[columns.index("满意率")]) == ("75.0%", "75.0%")

    # The results notice and its summary export.
    results = notices.periodic.results_notices(today=today)
    for key, unit in units.items():
        notice = next(m for m in results if m.kind == "results_notice" and m.recipient == Recipient.unit(unit.pk))
        shown = dict(notice.context["figures"])
        assert (shown["按期答复率"], shown["满意率"]) == tuple(f"{v}%" for v in EXPECTED[key])
    summary = next(m for m in results if m.kind == "results_summary")
    row = next(r for r in summary.context["rows"] if r[1] == "省交通运输厅")
    assert row[-2:] == ["75.0%", "75.0%"]

    # The staff's export of the units' figures.
    client.force_login(actors.staff)
    response = client.get(reverse("suggestions:staff_units_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    for key, unit in units.items():
        line = next(r for r in lines if r[header.index("承办单位")] == unit.name)
        shown = (line[header.index("按期答复率")], line[header.index("满意率")])
        assert shown == tuple(f"{v}%" for v in EXPECTED[key])

    # The staff dashboard: all units together, by the same definition (4 + 1 of 5 each).
    board = selectors.staff_dashboard(user=actors.staff)["figures"]
    assert (board["on_time_rate"], board["satisfaction_rate"]) == (80.0, 80.0)
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_dashboard")).content.decode()
    assert (_page_figure(page, "on_time_rate"), _page_figure(page, "satisfaction_rate")) == (80.0, 80.0)


def test_a_late_first_reply_stays_late_after_rehandling(rated_items):
    late = Assignment.objects.get(unit=rated_items["roads"], replies__kind="rehandling", is_active=True)
    assert late.first_reply_late is True
    assert late.first_replied_at < late.replied_at and late.first_reply_due_at < late.reply_due_at
    on_time = Assignment.objects.filter(unit=rated_items["roads"], state="rehandling").get()
    assert on_time.first_reply_late is False and on_time.replied_at is None and on_time.first_replied_at is not None

"""The charts beside the figures (static/js/charts.js): each page carries the
data of every unit, station or row in its json_script tag, next to the table
that stays as the text alternative, and its query count does not grow with
the number of units or stations the chart shows."""
import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations import services as station_services
from suggestions.models import Status
from tests.deputies import factories as df
from tests.liaison_stations import factories as sf
from tests.suggestions.factories import in_status
from tests.training.factories import AttendedEnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def chart_data(html, script_id):
    found = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no json_script #{script_id}"
    return json.loads(found.group(1))


def get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_the_dashboard_charts_every_unit_with_a_text_alternative(client, actors):
    units = [df.HandlingUnitFactory(name=f"湖南省测试厅局{n:02d}") for n in range(18)]  # more than the old 15
    client.force_login(actors.staff)
    url = reverse("suggestions:staff_dashboard")
    in_status(Status.ASSIGNED, actors, units=units[:2])
    get(client, url)  # the first view counts the summary row
    _html, few = get(client, url)
    for i in range(2, 18, 2):
        in_status(Status.ASSIGNED, actors, units=units[i : i + 2])
    from suggestions import summary

    summary.refresh_summary()
    html, many = get(client, url)
    assert few == many, (few, many)
    by_unit = chart_data(html, "chart-data")["by_unit"]
    assert by_unit["kind"] == "bars"
    assert sorted(by_unit["labels"]) == [u.name for u in units] and sum(by_unit["values"]) == 18
    # The canvas is described by its caption, and the table of every unit stays.
    assert 'aria-describedby="chart-by_unit-alt"' in html and 'id="chart-by_unit-alt"' in html
    assert all(f"<td>{u.name}</td>" in html for u in units)


def test_station_figures_chart_every_station_beside_the_paged_table(client, staff_user, keeper_user):
    today = timezone.localdate()
    area = df.AreaFactory(kind="county", name="测试县")
    first = sf.StationFactory(area=area, name="站000")
    station_services.record_visit(station=first, received_on=today, actor=staff_user, people_count=3)
    client.force_login(staff_user)
    url = reverse("liaison_stations:figures")
    _html, few = get(client, url)
    sf.StationFactory.create_batch(104, area=area)
    html, many = get(client, url)
    assert few == many, (few, many)
    charts = chart_data(html, "figures-charts")
    stations = charts["by_station"]
    assert len(stations["labels"]) == 105  # every station, though the table shows 100 a page
    assert html.count("<td>测试县</td>") == 1 + 100  # the area row, and a page of stations
    receptions = next(d for d in stations["datasets"] if d["label"] == "接待次数")
    assert receptions["values"][stations["labels"].index("站000（测试县）")] == 1 and sum(receptions["values"]) == 1
    assert charts["by_area"]["labels"] == ["测试县"]
    assert 'id="chart-by_station-alt"' in html and 'aria-describedby="chart-by_station-alt"' in html


def test_training_coverage_chart_has_a_bar_per_row(staff_client):
    today = timezone.localdate()
    term = df.TermFactory(start_date=today - datetime.timedelta(days=400), end_date=today + datetime.timedelta(days=1400))
    now = timezone.now()
    duty = TrainingSessionFactory(starts_at=now - datetime.timedelta(days=30), ends_at=now - datetime.timedelta(days=30, hours=-3))
    AttendedEnrolmentFactory(session=duty, deputy=df.MandateFactory(term=term, first_term=False).deputy)
    df.MandateFactory(term=term, first_term=False)
    df.MandateFactory(term=term, first_term=True)
    html, _count = get(staff_client, reverse("training:coverage"))
    report = staff_client.get(reverse("training:coverage")).context["report"]
    chart = chart_data(html, "coverage-chart")["coverage"]
    assert len(chart["labels"]) == len(report.rows) == 2
    duty_share = next(d for d in chart["datasets"] if d["label"] == "履职覆盖率")["values"]
    induction = next(d for d in chart["datasets"] if d["label"] == "初任覆盖率")["values"]
    returning = [i for i, row in enumerate(report.rows) if not row.first_term][0]
    assert duty_share[returning] == 50.0 and induction[returning] is None
    assert 'id="chart-coverage-alt"' in html

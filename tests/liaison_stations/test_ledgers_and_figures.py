"""The ledgers (台账) as Excel, the figures per station and area, and the yearly rating."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison_stations import selectors, services
from liaison_stations.models import ModelStation, StationPolicy
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


def rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def station(keeper_user):
    return f.station_with_keeper(keeper_user, name="东湖社区联络点")


def test_issue_register_with_outcomes(client, station, keeper_user, unit_user):
    services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user,
                          visitors=[{"name": "钱七", "contact": "13500000000"}],
                          issues=[{"content": "=HYPERLINK(\"http://evil\")", "raised_by_name": "钱七"},
                                  {"content": "小区电梯经常故障"}])
    elevator = station.issues.get(content="小区电梯经常故障")
    services.forward_issue(issue=elevator, unit=unit_user.handling_unit, actor=keeper_user)
    services.give_feedback(issue=elevator, feedback="已督促物业更换电梯主板", actor=unit_user)
    client.force_login(keeper_user)
    response = client.get(reverse("liaison_stations:ledger", args=[station.pk, "issues"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = rows(response)
    assert "东湖社区联络点" in table[0][0]
    header = table[1]
    by_content = {row[header.index("问题内容")]: row for row in table[2:]}
    row = by_content["小区电梯经常故障"]
    assert row[header.index("办理结果")] == "已督促物业更换电梯主板"
    assert row[header.index("是否按期")] == "是"
    # A cell that a spreadsheet would run as a formula is kept as text.
    assert "'=HYPERLINK(\"http://evil\")" in by_content


def test_roster_visit_and_activity_ledgers(client, station, keeper_user):
    deputy = df.MandateFactory().deputy
    f.StationingFactory(station=station, deputy=deputy)
    services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user, deputies=[deputy],
                          people_count=4, summary="集中接待")
    services.save_activity(station=station, actor=keeper_user, title="医保政策宣讲", kind="publicity",
                           starts_at=timezone.now(), deputies=[deputy])
    client.force_login(keeper_user)
    roster = rows(client.get(reverse("liaison_stations:ledger", args=[station.pk, "roster"])))
    assert roster[2][0] == deputy.name
    visits = rows(client.get(reverse("liaison_stations:ledger", args=[station.pk, "visits"])))
    assert visits[2][1] == deputy.name and visits[2][2] == 4
    activities = rows(client.get(reverse("liaison_stations:ledger", args=[station.pk, "activities"])))
    assert activities[2][3] == "医保政策宣讲"
    assert client.get(reverse("liaison_stations:ledger", args=[station.pk, "nonsense"])).status_code == 404


def test_figures_per_station_and_area_and_the_rating(client, staff_user, keeper_user, unit_user):
    county = df.AreaFactory(code="430102000000", name="芙蓉区", kind="county")
    township = df.AreaFactory(code="430102001000", name="文艺路街道", kind="township", parent=county)
    busy = f.station_with_keeper(keeper_user, area=township, name="忙站")
    quiet = f.station_with_keeper(keeper_user, area=county, name="闲站")
    today = timezone.localdate()
    for _ in range(3):
        services.record_visit(station=busy, received_on=today, actor=keeper_user, people_count=5,
                              issues=[{"content": "问题"}])
    issue = busy.issues.first()
    services.answer_issue(issue=issue, answer="已答复", actor=keeper_user)
    late = busy.issues.exclude(pk=issue.pk).first()
    services.forward_issue(issue=late, unit=unit_user.handling_unit, actor=keeper_user)
    services.give_feedback(issue=late, feedback="已办", actor=unit_user)
    # Fed back after the due date: not on time.
    late.refresh_from_db()
    late.feedback_due_on = today - datetime.timedelta(days=1)
    late.save(update_fields=["feedback_due_on"])
    services.record_visit(station=quiet, received_on=today, actor=keeper_user, people_count=1)
    # Last year's visit does not count this year.
    services.record_visit(station=quiet, received_on=today.replace(year=today.year - 1), actor=keeper_user, people_count=50)

    figures = {s.name: s for s in selectors.station_figures(year=today.year)}
    b = figures["忙站"]
    assert (b.receptions, b.people, b.issues_raised, b.issues_resolved, b.issues_forwarded, b.feedback_on_time) == (
        3, 15, 3, 2, 1, 0)
    assert (figures["闲站"].receptions, figures["闲站"].people) == (1, 1)

    areas = selectors.area_figures(year=today.year)
    assert [(a["area"].name, a["stations"], a["receptions"], a["people"]) for a in areas] == [("芙蓉区", 2, 4, 16)]

    policy = StationPolicy.current()
    ranked = selectors.station_rating(year=today.year, policy=policy)
    assert [r["station"].name for r in ranked] == ["忙站", "闲站"]
    top = ranked[0]
    assert top["resolved_rate"] == Decimal("66.7") and top["on_time_rate"] == Decimal("0")
    assert top["score"] == Decimal("2") * 3 + 15 + 3 + Decimal("66.7")
    # The weights are the policy row's: weigh only people and the order stays, the score changes.
    policy.weight_receptions = policy.weight_issues = policy.weight_resolved_rate = policy.weight_on_time_rate = 0
    policy.save()
    assert selectors.station_rating(year=today.year)[0]["score"] == Decimal("15")

    client.force_login(staff_user)
    page = client.get(reverse("liaison_stations:figures")).content.decode()
    assert "芙蓉区" in page and "忙站" in page
    response = client.post(reverse("liaison_stations:designate") + f"?year={today.year}", {"station": busy.pk,
                                                                                           "score": "15"})
    assert response.status_code == 302
    assert ModelStation.objects.get(year=today.year).station == busy
    assert "示范站" in client.get(reverse("liaison_stations:station", args=[busy.pk])).content.decode()


def test_a_station_is_model_station_once_a_year(staff_user):
    station = f.StationFactory()
    services.designate_model_station(station=station, year=2025, actor=staff_user)
    with pytest.raises(ValidationError) as error:
        services.designate_model_station(station=station, year=2025, actor=staff_user)
    assert error.value.code == "conflict"
    services.designate_model_station(station=station, year=2026, actor=staff_user)
    assert ModelStation.objects.count() == 2

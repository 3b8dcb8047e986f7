"""Province staff compare counties and townships side by side: per congress and
year the candidates, the chosen, attendance and turnout, implementation and
satisfaction, on the staff page and in its xlsx export, filtered alike."""
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from deputies.models import AreaKind, Level
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot, ready_ballot
from voting import services
from voting.models import ProjectStatus, Satisfaction

pytestmark = pytest.mark.django_db


def township_term(county_area, name):
    area = df.AreaFactory(kind=AreaKind.TOWNSHIP, name=name, parent=county_area)
    congress = df.CongressFactory(area=area, level=Level.TOWNSHIP, name=f"{name}人民代表大会")
    return df.TermFactory(congress=congress, number=18, start_date=datetime.date(2021, 10, 1), end_date=datetime.date(2026, 9, 30))


def finished_county(staff, name="望城县"):
    """10 deputies, 8 present, 7 vote for candidates 1 and 2 (chosen: 7 > 10/2);
    then 60% and 100% done, and four year-end ratings of which three satisfied or mostly."""
    term = vf.county_term(name)
    deputies = vf.serving_deputies(term, 10)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff, term=term, deputies=deputies, present=deputies[:8], candidates=4, seats=2)
    for user in users[:7]:
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1, 2}))
    services.close_voting(ballot=ballot, actor=staff)
    services.tally_ballot(ballot=ballot, actor=staff)
    services.publish_results(ballot=ballot, actor=staff)
    first, second = [c.project for c in ballot.candidates.select_related("project__responsible_unit").order_by("order")[:2]]
    for project, percent in ((first, 60), (second, 100)):
        services.submit_progress_report(
            project=project, actor=df.unit_user(unit=project.responsible_unit), reported_on=datetime.date(2026, 6, 1),
            percent_done=percent, narrative="推进中",
        )
    services.open_rating(call=ballot.call, actor=staff)
    for user, project, rating in [
        (users[0], first, Satisfaction.SATISFIED), (users[1], first, Satisfaction.MOSTLY),
        (users[2], first, Satisfaction.NOT), (users[0], second, Satisfaction.SATISFIED),
    ]:
        services.rate_project(project=project, actor=user, rating=rating)
    return term, ballot


def comparison_rows(body):
    section = body.split('id="comparison"')[1].split("</table>")[0]
    return [row for row in section.split("<tr>")[2:]]


def test_the_overview_shows_each_congresss_figures(staff_user, staff_client):
    county, ballot = finished_county(staff_user)
    township = township_term(county.congress.area, "乌山镇")
    ready_ballot(staff=staff_user, term=township, candidates=3, seats=2)
    vf.ProjectCallFactory(congress=vf.county_term("宁乡县").congress, year=2025)  # a call without a ballot yet

    body = staff_client.get(reverse("voting:staff_overview")).content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in comparison_rows(body)}
    assert set(rows) == {"望城县人民代表大会", "乌山镇人民代表大会", "宁乡县人民代表大会"}
    county_row = rows["望城县人民代表大会"]
    for figure in ("4/2", "<td>2</td>", "80.0%（8/10）", "70.0%（7/10）", "80.0%", "<td>1</td>", "75.0%（4人次"):
        assert figure in county_row, (figure, county_row)
    assert "3/2" in rows["乌山镇人民代表大会"] and "待票决" in rows["乌山镇人民代表大会"]
    assert "尚未建立票决" in rows["宁乡县人民代表大会"]

    # A township's row beside its county's; the level and area filters narrow both tables.
    only_townships = staff_client.get(reverse("voting:staff_overview"), {"level": "township"}).content.decode()
    assert [r for r in comparison_rows(only_townships) if "人民代表大会" in r and "望城县" in r] == []
    assert "乌山镇人民代表大会" in only_townships
    in_wangcheng = staff_client.get(reverse("voting:staff_overview"), {"area": county.congress.area.code}).content.decode()
    names = {row.split("</a>")[0].rsplit(">", 1)[1] for row in comparison_rows(in_wangcheng)}
    assert names == {"望城县人民代表大会", "乌山镇人民代表大会"}


def test_the_export_has_the_same_figures_and_follows_the_filter(staff_user, staff_client):
    county, ballot = finished_county(staff_user, name="=HYPERLINK(1)县")
    township = township_term(county.congress.area, "乌山镇")
    ready_ballot(staff=staff_user, term=township, candidates=3, seats=2)

    response = staff_client.get(reverse("voting:staff_comparison_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    county_row = rows["'=HYPERLINK(1)县人民代表大会"]  # formula-like text is written as text
    assert county_row["候选项目"] == 4 and county_row["应选项目数"] == 2 and county_row["当选项目"] == 2
    assert (county_row["全体代表人数"], county_row["出席人数"], county_row["投票人数"]) == (10, 8, 7)
    assert (county_row["出席率（%）"], county_row["投票率（%）"]) == (80.0, 70.0)
    assert (county_row["已完成项目"], county_row["平均完成进度（%）"]) == (1, 80.0)
    assert (county_row["测评人次"], county_row["满意和基本满意"], county_row["满意率（%）"]) == (4, 3, 75.0)
    assert county_row["票决状态"] == "已公布" and county_row["层级"] == "县、市辖区、不设区的市"
    township_row = rows["乌山镇人民代表大会"]
    assert township_row["候选项目"] == 3 and township_row["当选项目"] == 0 and township_row["投票率（%）"] is None

    filtered = staff_client.get(reverse("voting:staff_comparison_export"), {"level": "township"})
    names = [r[1] for r in load_workbook(io.BytesIO(filtered.content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["乌山镇人民代表大会"]


def test_a_runoff_and_an_invalid_ballot_do_not_distort_the_row(staff_user, staff_client):
    """The row's ballot is the latest one voted on that is not a run-off; an invalid
    (no quorum) ballot's candidates are not counted twice when a new ballot follows."""
    term = vf.county_term("浏阳县")
    deputies = vf.serving_deputies(term, 6)
    call = vf.ProjectCallFactory(congress=term.congress)
    invalid = open_ballot(staff=staff_user, term=term, deputies=deputies, present=deputies[:2], candidates=3, seats=1, call=call)
    services.close_voting(ballot=invalid, actor=staff_user)
    services.declare_invalid(ballot=invalid, actor=staff_user)
    again = services.create_ballot(call=call, title="再次组织票决", seats=1, actor=staff_user)
    services.set_candidates(ballot=again, projects=[c.project for c in invalid.candidates.order_by("order")], actor=staff_user)
    body = staff_client.get(reverse("voting:staff_overview")).content.decode()
    [row] = [r for r in comparison_rows(body) if "浏阳县" in r]
    assert "3/1" in row and "拟定候选项目" in row and f'/voting/staff/ballots/{again.pk}/' in row


def test_only_staff_see_the_comparison(deputy_user, unit_user):
    for user in (deputy_user, unit_user):
        someone = Client()
        someone.force_login(user)
        assert someone.get(reverse("voting:staff_overview")).status_code == 404
        assert someone.get(reverse("voting:staff_comparison_export")).status_code == 404
    assert Client().get(reverse("voting:staff_comparison_export")).status_code == 302


def test_the_overview_and_export_query_counts_do_not_grow_with_congresses(staff_user, staff_client, django_assert_num_queries):
    finished_county(staff_user)
    url, export = reverse("voting:staff_overview"), reverse("voting:staff_comparison_export")
    staff_client.get(url)
    # session, user, area options, row count, rows, their ballots, ballot table, reports due (2)
    with django_assert_num_queries(9) as page_queries:
        staff_client.get(url)
    with django_assert_num_queries(4) as export_queries:  # session, user, rows, their ballots
        staff_client.get(export)
    county_area = None
    for name in ("长沙县", "宁乡县", "浏阳县"):
        term = vf.county_term(name)
        county_area = county_area or term.congress.area
        open_ballot(staff=staff_user, term=term, deputies=vf.serving_deputies(term, 3), candidates=3, seats=1)
    township = township_term(county_area, "黄兴镇")
    ready_ballot(staff=staff_user, term=township, candidates=3, seats=2)
    project = vf.ProjectFactory(call=vf.ProjectCallFactory(congress=township.congress, year=2025))
    project.status = ProjectStatus.CHOSEN
    project.save(update_fields=["status"])
    with django_assert_num_queries(len(page_queries.captured_queries)):
        body = staff_client.get(url).content.decode()
    assert len(comparison_rows(body)) == 6
    with django_assert_num_queries(len(export_queries.captured_queries)):
        staff_client.get(export)

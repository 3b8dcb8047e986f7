"""The monthly summary and the results summary per congress: each congress's
staff receive their own congress's figures; the staff of the whole province
receive the whole province's."""
import pytest
from django.utils import timezone

from congress_portal.notifications.models import Kind
from deputies.models import AreaKind, Level
from suggestions import services
from suggestions.notices.periodic import monthly_notices
from tests.deputies import factories as df
from tests.suggestions.factories import category

pytestmark = pytest.mark.django_db


def _county(name, code, province):
    area = df.AreaFactory(code=code, name=name, kind=AreaKind.COUNTY, parent=province)
    congress = df.CongressFactory(area=area, level=Level.COUNTY)
    term = df.TermFactory(congress=congress)
    staff = df.staff_user(congress=congress)
    unit = df.HandlingUnitFactory(area=area, name=f"{name}交通运输局")
    deputy = df.MandateFactory(term=term).deputy
    s = services.submit_suggestion(lead_deputy=deputy, title=f"{name}的建议", content="建议。", category=category(),
                                   actor=staff, year=timezone.localdate().year)
    services.register_suggestion(suggestion=s, actor=staff)
    services.assign_suggestion(suggestion=s, actor=staff, lead_unit=unit)
    return staff


def test_each_congress_gets_its_own_monthly_summary():
    province = df.AreaFactory(code="950000000000", name="己省")
    staff_a, staff_b = _county("己县", "950101000000", province), _county("庚县", "950102000000", province)
    whole = df.staff_user()
    summaries = {
        m.recipient.key: m.context for m in monthly_notices(force=True) if m.kind == Kind.PROGRESS_SUMMARY
    }
    units_of = lambda user: {row[1] for row in summaries[f"user:{user.pk}"]["rows"]}  # noqa: E731
    assert units_of(staff_a) == {"己县交通运输局"}
    assert units_of(staff_b) == {"庚县交通运输局"}
    assert units_of(whole) == {"己县交通运输局", "庚县交通运输局"}
    assert summaries[f"user:{staff_a.pk}"]["figures"][0][1] == 1  # one item assigned in its county


def test_the_word_progress_notice_holds_the_staffs_own_congress_only(client):
    from django.urls import reverse

    from tests.suggestions.docx_reading import open_docx, tables

    province = df.AreaFactory(code="950000000000", name="己省")
    _county("己县", "950101000000", province)
    staff_b = _county("庚县", "950102000000", province)
    client.force_login(staff_b)
    body = client.get(reverse("suggestions:staff_progress_notice")).content
    ranking = tables(open_docx(body))[0]
    assert [row[1] for row in ranking[1:]] == ["庚县交通运输局"]  # not 己县's unit

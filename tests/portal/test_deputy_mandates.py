"""A deputy with provincial and county mandates sees each mandate's work in one
place, labelled by its congress: 我的建议, 我的学习 and the station workspace."""
import pytest
from django.urls import reverse

from deputies.models import AreaKind, Level
from tests.deputies import factories as df
from tests.liaison_stations.factories import StationingFactory, StationFactory
from tests.suggestions.factories import SuggestionFactory
from tests.training.factories import EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_user():
    province = df.CongressFactory(area=df.AreaFactory(name="辛省"), level=Level.PROVINCIAL, name="辛省人民代表大会")
    county = df.CongressFactory(area=df.AreaFactory(name="辛县", kind=AreaKind.COUNTY, parent=province.area),
                                level=Level.COUNTY, name="辛县人民代表大会")
    p_term, c_term = df.TermFactory(congress=province), df.TermFactory(congress=county)
    deputy = df.MandateFactory(term=p_term).deputy
    df.MandateFactory(term=c_term, deputy=deputy)
    for congress, term in ((province, p_term), (county, c_term)):
        SuggestionFactory(lead_deputy=deputy, congress=congress, title=f"{congress.area.name}的一件建议")
        EnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(plan__term=term, title=f"{congress.area.name}学习班"))
        StationingFactory(deputy=deputy, station=StationFactory(area=congress.area, name=f"{congress.area.name}联络站"))
    return df.deputy_user(deputy=deputy)


@pytest.mark.parametrize("page,labels", [
    ("suggestions:my_list", ("辛省人民代表大会", "辛县人民代表大会")),
    ("training:my", ("辛省第十四届人民代表大会", "辛县第十四届人民代表大会")),
    ("liaison_stations:workspace", ("辛省人民代表大会", "辛县人民代表大会")),
])
def test_each_mandates_work_is_labelled_by_its_congress(client, deputy_user, page, labels):
    client.force_login(deputy_user)
    response = client.get(reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(f'<span class="mandate-label">{label}</span>' in body for label in labels), page

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


def test_a_deputy_says_as_which_congresss_deputy_they_write(client, deputy_user):
    from suggestions.models import Suggestion
    from tests.suggestions.factories import category

    county = deputy_user.deputy.mandates.get(level=Level.COUNTY).congress
    client.force_login(deputy_user)
    form = client.get(reverse("suggestions:create")).content.decode()
    assert "以哪一级人大代表身份提出" in form and "辛县第十四届人民代表大会代表" in form
    response = client.post(reverse("suggestions:create"), {
        "title": "关于辛县公交站台改造的建议", "content": "建议改造。", "category": category().pk,
        "disclosure_consent": "on", "congress": county.pk,
    })
    assert response.status_code == 302
    assert Suggestion.objects.get(title="关于辛县公交站台改造的建议").congress == county


def test_a_congress_the_deputy_does_not_sit_in_is_refused(deputy_user):
    from django.core.exceptions import ValidationError

    from suggestions import services
    from tests.suggestions.factories import category

    elsewhere = df.CongressFactory(level=Level.COUNTY)
    with pytest.raises(ValidationError, match="不是"):
        services.submit_suggestion(lead_deputy=deputy_user.deputy, title="t", content="c", category=category(),
                                   actor=deputy_user, congress=elsewhere)


def test_the_cosigner_picker_offers_deputies_of_the_suggestions_congress(client, deputy_user):
    """Co-signers serve in the congress the suggestion is written for (以哪一级人大代表身份提出, or the
    session's): not in another of the lead deputy's congresses."""
    from suggestions.models import Suggestion
    from tests.suggestions.factories import category

    mandates = {m.level: m for m in deputy_user.deputy.mandates.select_related("term", "congress")}
    province, county = mandates[Level.PROVINCIAL], mandates[Level.COUNTY]
    of_province = df.MandateFactory(term=province.term, deputy__name="辛省附议代表").deputy
    of_county = df.MandateFactory(term=county.term, deputy__name="辛县附议代表").deputy
    url = reverse("suggestions:pick_cosigners")
    client.force_login(deputy_user)

    def found(**params):
        return {row["id"] for row in client.get(url, {"q": "附议代表", **params}).json()["results"]}

    assert found(congress=county.congress_id) == {of_county.pk}
    assert found(congress=province.congress_id) == {of_province.pk}
    session = df.SessionFactory(term=county.term)
    assert found(congress=province.congress_id, session=session.pk) == {of_county.pk}  # the session's congress
    assert found(congress=df.CongressFactory().pk) == set()  # not a congress the deputy sits in
    assert found() == {of_province.pk}  # nothing chosen: the first choice of the form, the provincial mandate
    # The form refuses a co-signer of the other congress, naming the field.
    data = {"title": "关于辛县路灯的建议", "content": "建议。", "category": category().pk, "disclosure_consent": "on",
            "congress": county.congress_id}
    refused = client.post(reverse("suggestions:create"), {**data, "co_signers": [of_province.pk]})
    assert refused.status_code == 200 and not Suggestion.objects.filter(title="关于辛县路灯的建议").exists()
    assert "co_signers" in refused.context["form"].errors
    assert client.post(reverse("suggestions:create"), {**data, "co_signers": [of_county.pk]}).status_code == 302
    assert Suggestion.objects.get(title="关于辛县路灯的建议").cosignatures.get().deputy == of_county

"""The public deputy directory: filters, no personal data, query count pinned."""
import pytest
from django.urls import reverse

from deputies.models import Level, MandateStatus
from tests.deputies.factories import CongressFactory, MandateFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_directory_lists_serving_deputies_without_personal_data(client):
    serving = MandateFactory(deputy__name="王建国", deputy__phone="13900001111")
    MandateFactory(deputy__name="李已辞", status=MandateStatus.RESIGNED)
    html = client.get(reverse("deputies:directory")).content.decode()
    assert "王建国" in html
    assert "李已辞" not in html
    assert serving.deputy.id_number not in html
    assert "13900001111" not in html


def test_directory_filters_by_name_and_level(client):
    county = TermFactory(congress=CongressFactory(level=Level.COUNTY, name="长沙县人民代表大会"))
    MandateFactory(deputy__name="张县代", term=county)
    MandateFactory(deputy__name="周省代")
    html = client.get(reverse("deputies:directory"), {"level": Level.COUNTY}).content.decode()
    assert "张县代" in html and "周省代" not in html
    html = client.get(reverse("deputies:directory"), {"q": "周省"}).content.decode()
    assert "周省代" in html and "张县代" not in html
    html = client.get(reverse("deputies:directory"), {"place": "长沙县"}).content.decode()
    assert "张县代" in html and "周省代" not in html


def test_directory_bad_filter_is_shown_beside_the_field(client):
    response = client.get(reverse("deputies:directory"), {"level": "galactic"})
    assert response.status_code == 200
    assert 'id="id_level_error"' in response.content.decode()


def test_directory_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    term = TermFactory()
    MandateFactory.create_batch(3, term=term)
    # count + page
    with django_assert_num_queries(2):
        client.get(reverse("deputies:directory"))
    MandateFactory.create_batch(25, term=term)
    with django_assert_num_queries(2):
        response = client.get(reverse("deputies:directory"))
    assert response.content.decode().count("<th scope=\"row\">") == 28

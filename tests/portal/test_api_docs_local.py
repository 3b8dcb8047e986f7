"""The API documentation pages load nothing from another origin (drf-spectacular's
Redoc template links Google Fonts; templates/drf_spectacular/redoc.html does not)."""
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/redoc/", "/api/docs/"])
def test_api_docs_pages_load_only_from_the_portal(client, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert loaded and all(not re.match(r"(https?:)?//", address) for address in loaded), loaded

"""The API documentation pages load nothing from another origin (drf-spectacular's
Redoc template links Google Fonts and a CDN logo, so /api/redoc/ leads to the Swagger UI page)."""
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/redoc/", "/api/docs/"])
def test_api_docs_pages_load_only_from_the_portal(client, url):
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and response.request["PATH_INFO"] == "/api/docs/"
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert loaded and all(not re.match(r"(https?:)?//", address) for address in loaded), loaded

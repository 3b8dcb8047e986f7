"""Every response carries the Content-Security-Policy: the portal's own origin
only, no inline script or style, no remote origin; the API reference pages too.
(tests/browser/test_content_security_policy.py shows the pages keep to it.)"""
import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/suggestions/", "/api/docs/", "/api/schema/", "/admin/login/"])
def test_the_policy_is_on_every_response(client, url):
    response = client.get(url)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    everything = " ".join(" ".join(values) for values in policy.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything
    assert not re.search(r"https?:|\*", everything), everything



def test_the_swagger_page_loads_its_start_up_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert "<style" not in page
    inline = [s for s in re.findall(r"<script([^>]*)>", page) if "src=" not in s]
    assert not inline, inline
    script_url = re.search(r'<script src="([^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_redoc_leads_to_swagger_ui(client):
    # Redoc cannot keep to the policy (congress_portal/urls.py says why).
    response = client.get("/api/redoc/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"

"""What the schema run (test_schema_contract.py) found, pinned one by one."""
import base64

import pytest

from tests.deputies import factories as f

pytestmark = pytest.mark.django_db


def test_a_basic_auth_name_with_a_nul_byte_is_refused_not_a_server_error(client, settings):
    settings.AXES_ENABLED = True
    token = base64.b64encode(b"\x00staff:anything").decode()
    response = client.get("/api/suggestions/", headers={"authorization": f"Basic {token}"})
    assert response.status_code in (401, 403)


def test_a_mandate_without_delegation_keeps_delegation_name_on_partial_update(client):
    staff = f.staff_user()
    mandate = f.MandateFactory(delegation=None)
    client.force_login(staff)
    response = client.patch(f"/api/deputies/mandates/{mandate.pk}/", {"card_number": "A-1"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["delegation_name"] is None

"""Every deputies admin page opens for staff, in Chinese, with its filters;
the admin (and so the full ID number) is closed to everyone else."""
import pytest
from django.contrib import admin
from django.urls import reverse

from deputies import models
from tests.deputies import factories as f

pytestmark = pytest.mark.django_db

MODELS = [m for m in admin.site._registry if m._meta.app_label == "deputies"]


def test_every_deputies_model_has_an_admin():
    registered = {m.__name__ for m in MODELS}
    mine = {m.__name__ for m in models.__dict__.values()
            if isinstance(m, type) and issubclass(m, models.models.Model) and m._meta.app_label == "deputies"
            and not m._meta.abstract and not m.__name__.startswith("Historical")}
    assert mine <= registered


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_open_with_search(model, client, province):
    user = f.staff_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    mandate = f.MandateFactory(term=province.prov_term, congress=province.prov)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "湖南"})
    assert response.status_code == 200
    if model is models.Deputy:
        response = client.get(reverse("admin:deputies_deputy_change", args=[mandate.deputy.pk]))
        assert mandate.deputy.id_number in response.content.decode()


def test_admin_is_closed_to_other_roles(client, unit_user):
    unit_user.is_staff = False
    client.force_login(unit_user)
    response = client.get(reverse("admin:deputies_deputy_changelist"))
    assert response.status_code == 302


def test_admin_export_of_deputies_writes_their_mandates(client, province):
    client.force_login(f.staff_user(is_staff=True, is_superuser=True))
    person = f.DeputyFactory(name="导出代表")
    f.MandateFactory(deputy=person, term=province.prov_term, congress=province.prov)
    f.MandateFactory(deputy=person, term=province.cty_term, congress=province.cty)
    from deputies.resources import COLUMNS

    fields = {f"deputymandateresource_{c.key}": "on" for c in COLUMNS}
    response = client.post(reverse("admin:deputies_deputy_export"), {"format": 0, "resource": 0, **fields})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "身份证号码" and len(rows) == 3 and {r[1] for r in rows[1:]} == {"导出代表"}

"""Names and titles that look like formulas stay text in every training export
(issue 13, finding 5): no cell of the coverage, one-record or yearly-records
workbook is a formula, and the text comes out escaped by congress_portal.spreadsheets."""
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congress_portal.spreadsheets import FORMULA_CHARS, escape_formula
from deputies.models import Delegation
from tests.deputies import factories as df
from tests.training.factories import AttendedEnrolmentFactory, ScoringItemFactory, TrainingSessionFactory
from training import services

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def cells(response):
    assert response.status_code == 200, response.content[:300]
    workbook = load_workbook(BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(response, *texts):
    found = cells(response)
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"
                or isinstance(c.value, str) and c.value.startswith(FORMULA_CHARS)]
    assert formulas == []
    values = {c.value for c in found}
    for text in texts:
        assert escape_formula(text) in values, text


def test_coverage_export(staff_client):
    today = timezone.localdate()
    term = df.TermFactory(start_date=today - datetime.timedelta(days=400), end_date=today + datetime.timedelta(days=1400))
    delegation = Delegation.objects.create(term=term, name="+代表团")
    df.MandateFactory(term=term, delegation=delegation, deputy=df.DeputyFactory(name=FORMULA))
    response = staff_client.get(reverse("training:coverage_xlsx"))
    assert_no_formula(response, FORMULA, "+代表团")


def test_one_deputy_record_export(deputy_client, deputy_user):
    deputy = deputy_user.deputy
    deputy.name = FORMULA
    deputy.save(update_fields=["name"])
    session = TrainingSessionFactory(title="=1+1", plan__term=deputy.mandates.get().term)
    AttendedEnrolmentFactory(deputy=deputy, session=session)
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("2"), label="-培训学时")
    response = deputy_client.get(reverse("training:record_xlsx", args=[deputy.pk, 2025]))
    details = [c.value for c in cells(response) if isinstance(c.value, str) and "1+1" in c.value]
    assert details and all(not v.startswith(FORMULA_CHARS) for v in details)
    assert_no_formula(response, FORMULA, "-培训学时")


def test_yearly_records_export(staff_client):
    deputy = df.MandateFactory(deputy=df.DeputyFactory(name=FORMULA)).deputy
    AttendedEnrolmentFactory(deputy=deputy)
    services.refresh_duty_records(year=2025)
    response = staff_client.get(reverse("training:records_xlsx") + "?year=2025")
    assert_no_formula(response, FORMULA)

"""seed_deputies, and the single-row rules of the models."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from congress_portal.accounts.models import Role, User
from deputies.models import AdministrativeArea, Congress, Deputy, DeputyGroup, HandlingUnit, Level, Mandate, UnitContact
from deputies.local_demo import LOCAL_CONGRESSES
from tests.deputies import factories as f

pytestmark = pytest.mark.django_db


def test_seed_deputies_builds_the_demo_province():
    out = io.StringIO()
    call_command("seed_deputies", stdout=out)
    assert AdministrativeArea.objects.get(code="430104000000").name == "岳麓区"
    assert all(len(code) == 12 and code.isdigit() for code in AdministrativeArea.objects.values_list("code", flat=True))
    assert set(Congress.objects.values_list("level", flat=True)) == set(Level.values)
    assert 55 <= HandlingUnit.objects.filter(area__code="430000000000").count() <= 70 and UnitContact.objects.filter(receives_notices=True).exists()
    assert Deputy.objects.count() > 500 and DeputyGroup.objects.exists()
    # Some people hold mandates at two levels.
    assert Mandate.objects.values("deputy").distinct().count() < Mandate.objects.count()
    logins = {u.username: u for u in User.objects.all()}
    assert {"admin", "staff", "unit", "unit2", "deputy", "deputy2", "keeper"} <= set(logins)
    assert logins["admin"].is_superuser and logins["admin"].role == Role.STAFF
    assert logins["unit"].handling_unit.short_name == "省交通运输厅"
    assert logins["staff"].check_password("Demo@2026")
    # Every congress has its own staff: the province's, two counties' and two townships'.
    assert logins["staff"].congress.level == Level.PROVINCIAL and logins["admin"].congress is None
    for staff_login, unit_login, code, _body in LOCAL_CONGRESSES:
        congress = logins[staff_login].congress
        assert congress.area.code == code and logins[staff_login].check_password("Demo@2026")
        assert logins[unit_login].handling_unit.area_id == congress.area_id
    levels = set(logins["deputy"].deputy.mandates.values_list("level", flat=True))
    assert {Level.PROVINCIAL, Level.COUNTY} <= levels
    # A second run leaves the data alone.
    call_command("seed_deputies", stdout=out)
    assert User.objects.filter(username="staff").count() == 1


def test_seed_deputies_scale_reaches_the_number_of_people():
    call_command("seed_deputies", "--scale", "2500", "--no-users", stdout=io.StringIO())
    assert Deputy.objects.count() == 2500
    assert Mandate.objects.filter(level=Level.TOWNSHIP).exists()


def test_deputy_clean_checks_the_id_number_and_birth_date():
    deputy = f.DeputyFactory.build(id_number="11010519491231002X", birth_date=datetime.date(1950, 1, 1))
    with pytest.raises(ValidationError) as info:
        deputy.full_clean()
    assert "birth_date" in info.value.message_dict
    deputy.birth_date = None
    deputy.full_clean(exclude=["user"])
    assert deputy.birth_date == datetime.date(1949, 12, 31)
    deputy.id_number = "110105194912310021"
    with pytest.raises(ValidationError) as info:
        deputy.full_clean()
    assert "id_number" in info.value.message_dict


def test_mandate_clean_checks_term_and_dates():
    term = f.TermFactory()
    other = f.TermFactory()
    mandate = f.MandateFactory.build(deputy=f.DeputyFactory(), term=other, congress=term.congress,
                                     start_date=datetime.date(2023, 1, 1))
    with pytest.raises(ValidationError) as info:
        mandate.full_clean()
    assert "term" in info.value.message_dict
    mandate.term = term
    mandate.end_date = datetime.date(2022, 1, 1)
    with pytest.raises(ValidationError) as info:
        mandate.full_clean()
    assert "end_date" in info.value.message_dict

"""Factories for the deputies app; other apps' factories build on these."""
import datetime
import itertools

import factory

from congress_portal.accounts.models import Role, User
from deputies import models
from deputies.validators import id_number_check_char

_id_serial = itertools.count(1)


def make_id_number(birth=datetime.date(1975, 6, 1), area="430102"):
    """A valid 18-character ID number, unique per call."""
    first17 = f"{area}{birth:%Y%m%d}{next(_id_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _unique_id_number(n):
    serial = n + 1
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial % 18000)
    first17 = f"430102{birth:%Y%m%d}{serial % 1000:03d}"
    # Vary the area code too, so more than 1,000 deputies per birth date stay unique.
    first17 = f"{430000 + (serial // 1000) % 10000:06d}" + first17[6:]
    return first17 + id_number_check_char(first17)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AdministrativeArea
        django_get_or_create = ("code",)

    # 99: no real province, so factory areas never collide with real codes.
    code = factory.Sequence(lambda n: f"99{n:010d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = models.AreaKind.PROVINCE


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Congress

    area = factory.SubFactory(AreaFactory)
    level = models.Level.PROVINCIAL
    name = factory.LazyAttribute(lambda o: f"{o.area.name}人民代表大会")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Term

    congress = factory.SubFactory(CongressFactory)
    number = 14
    start_date = datetime.date(2023, 1, 15)
    end_date = datetime.date(2028, 1, 14)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    term = factory.SubFactory(TermFactory)
    number = 3
    year = 2025
    start_date = datetime.date(2025, 1, 15)
    end_date = datetime.date(2025, 1, 20)


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Deputy

    name = factory.Sequence(lambda n: f"代表{n}")
    gender = models.Gender.FEMALE
    id_number = factory.Sequence(_unique_id_number)
    birth_date = factory.LazyAttribute(lambda o: datetime.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14])))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    work_unit = "某某公司"


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Mandate

    deputy = factory.SubFactory(DeputyFactory)
    term = factory.SubFactory(TermFactory)
    congress = factory.SelfAttribute("term.congress")
    level = factory.SelfAttribute("congress.level")
    start_date = factory.SelfAttribute("term.start_date")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HandlingUnit

    name = factory.Sequence(lambda n: f"测试厅{n}")
    code = factory.Sequence(lambda n: f"U{n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff_user(**kwargs):
    return UserFactory(role=Role.STAFF, **kwargs)


def unit_user(unit=None, **kwargs):
    return UserFactory(role=Role.UNIT, handling_unit=unit or HandlingUnitFactory(), **kwargs)


def deputy_user(deputy=None, **kwargs):
    user = UserFactory(role=Role.DEPUTY, **kwargs)
    deputy = deputy or MandateFactory().deputy
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user


def keeper_user(**kwargs):
    return UserFactory(role=Role.KEEPER, **kwargs)

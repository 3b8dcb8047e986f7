"""Factories for liaison stations, built on the deputies factories."""
import datetime

import factory
from django.utils import timezone

from liaison_stations import models
from tests.deputies import factories as df


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Station
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试联络站{n}")
    kind = models.StationKind.TOWNSHIP_CENTRE
    area = factory.SubFactory(df.AreaFactory, kind="township")
    address = "测试路1号"
    opening_hours = "工作日 9:00-17:00"

    @factory.post_generation
    def keepers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.keepers.set(extracted)


class StationingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stationing

    station = factory.SubFactory(StationFactory)
    deputy = factory.SubFactory(df.DeputyFactory)
    since = datetime.date(2023, 3, 1)


class IssueCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IssueCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"类别{n}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Visit

    station = factory.SubFactory(StationFactory)
    received_on = factory.LazyFunction(timezone.localdate)
    people_count = 2


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Issue

    station = factory.SubFactory(StationFactory)
    source = models.IssueSource.VISIT
    visit = factory.SubFactory(VisitFactory, station=factory.SelfAttribute("..station"))
    category = factory.SubFactory(IssueCategoryFactory)
    content = factory.Sequence(lambda n: f"村口道路破损需要修缮{n}")
    raised_by_name = "王大爷"
    raised_by_contact = "13800001111"


class ReceptionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReceptionRule

    station = factory.SubFactory(StationFactory)
    frequency = models.Frequency.WEEKLY
    weekday = models.Weekday.WEDNESDAY
    starts_on = datetime.date(2024, 1, 1)


def station_with_keeper(keeper, **kwargs):
    station = StationFactory(**kwargs)
    station.keepers.add(keeper)
    return station


def station_with_deputy(deputy_user, **kwargs):
    station = StationFactory(**kwargs)
    StationingFactory(station=station, deputy=deputy_user.deputy)
    return station

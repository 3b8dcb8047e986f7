"""Factories for the voting app, built on the deputies factories."""
import datetime
import itertools

import factory

from deputies.models import AreaKind, Deputy, Gender, Level, Mandate
from tests.deputies import factories as df
from voting import models

_deputy_serial = itertools.count(500_000)


def county_term(name="测试县"):
    area = df.AreaFactory(kind=AreaKind.COUNTY, name=name)
    congress = df.CongressFactory(area=area, level=Level.COUNTY, name=f"{name}人民代表大会")
    return df.TermFactory(congress=congress, number=18, start_date=datetime.date(2021, 10, 1), end_date=datetime.date(2026, 9, 30))


def serving_deputies(term, count):
    """``count`` deputies serving in the term, created in two bulk inserts."""
    deputies = []
    for _ in range(count):
        n = next(_deputy_serial)
        id_number = df._unique_id_number(n)
        deputies.append(
            Deputy(
                name=f"票决代表{n}", gender=Gender.MALE, id_number=id_number,
                birth_date=datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
            )
        )
    deputies = Deputy.objects.bulk_create(deputies)
    Mandate.objects.bulk_create(
        [
            Mandate(deputy=d, congress=term.congress, term=term, level=term.congress.level, start_date=term.start_date)
            for d in deputies
        ]
    )
    return deputies


class ProjectCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProjectCall

    congress = factory.SubFactory(df.CongressFactory)
    year = 2026
    title = factory.LazyAttribute(lambda o: f"{o.year}年民生实事项目征集")
    opens_on = datetime.date(2025, 10, 1)
    closes_on = datetime.date(2025, 11, 30)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    call = factory.SubFactory(ProjectCallFactory)
    congress = factory.SelfAttribute("call.congress")
    title = factory.Sequence(lambda n: f"民生项目{n}")
    description = "改善群众生产生活条件。"
    estimated_budget = 500
    responsible_unit = factory.SubFactory(df.HandlingUnitFactory)
    area = "全县"


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Ballot

    call = factory.SubFactory(ProjectCallFactory)
    congress = factory.SelfAttribute("call.congress")
    title = factory.LazyAttribute(lambda o: f"{o.call.year}年民生实事项目票决")
    seats = 3

"""Factories for the training app, built on the deputies factories."""
import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.deputies.factories import DeputyFactory, TermFactory
from training import models


def aware(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


class TrainingPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TrainingPlan

    term = factory.SubFactory(TermFactory)
    year = 2025
    title = factory.Sequence(lambda n: f"2025年代表学习培训计划{n}")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TrainingSession

    plan = factory.SubFactory(TrainingPlanFactory)
    title = factory.Sequence(lambda n: f"履职学习班第{n}期")
    kind = models.SessionKind.DUTY
    form = models.SessionForm.CLASSROOM
    starts_at = aware(2025, 4, 10, 9)
    ends_at = aware(2025, 4, 10, 17)
    venue = "省人大常委会机关会议室"
    hours = Decimal("6.0")
    organiser = "省人大常委会代表工作委员会"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    deputy = factory.SubFactory(DeputyFactory)


class AttendedEnrolmentFactory(EnrolmentFactory):
    status = models.EnrolmentStatus.ATTENDED
    check_in_method = models.CheckInMethod.STAFF
    checked_in_at = factory.SelfAttribute("session.starts_at")
    hours_credited = factory.SelfAttribute("session.hours")


class DutyActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DutyActivity

    deputy = factory.SubFactory(DeputyFactory)
    kind = models.ActivityKind.INSPECTION
    title = "视察农村人居环境整治"
    date = datetime.date(2025, 6, 3)


class ScoringRuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScoringRuleSet

    name = "代表履职评分细则"
    effective_from_year = 2020


class ScoringItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScoringItem

    rule_set = factory.SubFactory(ScoringRuleSetFactory)
    metric = "training_hours"
    points_per_unit = Decimal("1")

"""Factories for suggestions, built on the deputies factories. Objects in a
given status are produced by running the real services (``in_status``), so
tests never write ``status`` by hand."""
import factory

from congress_portal.accounts.models import Role
from suggestions import models, services
from suggestions.models import HandlingMode, Satisfaction, Status
from tests.deputies import factories as df


def category(code="economy"):
    return models.SuggestionCategory.objects.get(code=code)


def result(code="A"):
    return models.ResultCategory.objects.get(code=code)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A submitted suggestion row (status: submitted). For later statuses use
    ``in_status``."""

    class Meta:
        model = models.Suggestion

    lead_deputy = factory.LazyFunction(lambda: df.MandateFactory().deputy)
    title = factory.Sequence(lambda n: f"关于加强第{n}项民生工作的建议")
    content = "建议有关部门加大投入，完善工作机制。"
    category = factory.LazyFunction(category)
    year = 2025


class Actors:
    """The people a lifecycle needs: one staff member, a deputy with a login,
    and unit members created on demand."""

    def __init__(self):
        self.staff = df.staff_user()
        self.deputy_user = df.deputy_user()
        self.deputy = self.deputy_user.deputy
        self.cosigner_user = df.deputy_user()
        self._unit_users = {}

    def unit_user(self, unit):
        if unit.pk not in self._unit_users:
            self._unit_users[unit.pk] = df.UserFactory(role=Role.UNIT, handling_unit=unit)
        return self._unit_users[unit.pk]


def submit(actors, **kwargs):
    kwargs.setdefault("lead_deputy", actors.deputy)
    kwargs.setdefault("title", "关于改善农村公路养护的建议")
    kwargs.setdefault("content", "我省部分农村公路养护资金不足，建议加大投入。")
    kwargs.setdefault("category", category())
    kwargs.setdefault("year", 2025)
    return services.submit_suggestion(actor=actors.deputy_user, **kwargs)


def draft(actors, **kwargs):
    kwargs.setdefault("lead_deputy", actors.deputy)
    kwargs.setdefault("title", "关于完善农村客运班线的建议（草稿）")
    kwargs.setdefault("content", "农村客运班线少，群众出行不便，建议……")
    kwargs.setdefault("category", category())
    return services.save_draft(actor=actors.deputy_user, **kwargs)


ORDER = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.REPLIED,
    Status.REHANDLING,
    Status.CLOSED,
    Status.FOLLOWUP,
    Status.FOLLOWUP_REPLIED,
]


def in_status(status, actors=None, *, mode=HandlingMode.LEAD, units=None):
    """A suggestion brought to ``status`` through the services. Returns
    (suggestion, actors, units)."""
    import datetime

    actors = actors or Actors()
    units = units or [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    if status == Status.DRAFT:
        return draft(actors, co_signers=[actors.cosigner_user.deputy]), actors, units
    if status == Status.AWAITING_HEAD:  # a 全团建议 its contact (the lead deputy) sent to the head
        from deputies.models import Delegation

        delegation = Delegation.objects.create(
            term=df.TermFactory(), name="测试代表团", head=df.deputy_user().deputy, contact=actors.deputy
        )
        s = services.draft_delegation_suggestion(
            delegation=delegation, actor=actors.deputy_user, title="关于城际公交化的建议", content="建议加密班次。",
            category=category(),
        )
        services.submit_to_head(suggestion=s, actor=actors.deputy_user)
        return s, actors, units
    s = submit(actors, co_signers=[actors.cosigner_user.deputy])
    if status == Status.SUBMITTED:
        return s, actors, units
    if status == Status.WITHDRAWN:
        services.withdraw_suggestion(suggestion=s, actor=actors.deputy_user)
        return s, actors, units
    if status == Status.NOT_REGISTERED:
        services.reject_suggestion(suggestion=s, actor=actors.staff, reason="属于个人诉求")
        return s, actors, units
    services.register_suggestion(suggestion=s, actor=actors.staff)
    if status == Status.REGISTERED:
        return s, actors, units
    if status == Status.MERGED:
        lead = submit(Actors())
        services.register_suggestion(suggestion=lead, actor=actors.staff)
        services.merge_suggestions(lead=lead, others=[s], actor=actors.staff)
        s.refresh_from_db()
        return s, actors, units
    if mode == HandlingMode.LEAD:
        services.assign_suggestion(suggestion=s, actor=actors.staff, mode=mode, lead_unit=units[0], co_units=units[1:])
    else:
        services.assign_suggestion(suggestion=s, actor=actors.staff, mode=mode, split_units=units)
    if status == Status.ASSIGNED:
        return s, actors, units
    for a in s.assignments.filter(is_active=True):
        services.acknowledge_assignment(assignment=a, actor=actors.unit_user(a.unit))
    for a in s.assignments.filter(is_active=True).exclude(role="co"):
        services.reply_to_suggestion(
            assignment=a, actor=actors.unit_user(a.unit), letter="经研究，答复如下……", result_category=result("B"), signed_off_by="张局长"
        )
    if status == Status.REPLIED:
        return s, actors, units
    first = s.replies.filter(is_current=True).first()
    if status == Status.REHANDLING:
        services.rate_reply(
            reply=first, actor=actors.deputy_user, process_rating=Satisfaction.MOSTLY, result_rating=Satisfaction.NOT_SATISFIED, comment="未解决实际问题"
        )
        return s, actors, units
    for r in s.replies.filter(is_current=True):
        services.rate_reply(reply=r, actor=actors.deputy_user, process_rating=Satisfaction.SATISFIED, result_rating=Satisfaction.SATISFIED)
    if status == Status.CLOSED:
        return s, actors, units
    from congress_portal.workdays import local_today

    rnd = services.open_followup_round(
        title="2025年度建议办理回头看", suggestions=[s], due_date=local_today() + datetime.timedelta(days=30), actor=actors.staff
    )
    if status == Status.FOLLOWUP:
        return s, actors, units
    for item in rnd.items.all():
        services.submit_second_reply(item=item, actor=actors.unit_user(item.assignment.unit), content="已完成道路修缮。")
    assert status == Status.FOLLOWUP_REPLIED
    return s, actors, units

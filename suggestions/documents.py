"""The official documents officers file and send, as Word (.docx) files
(``congress_portal.wordml``): the 交办函 each unit gets at a 交办会, listing
exactly its items with their deadlines, and the yearly report on the handling
work, the 督办函 asking a unit to act on one item, and the monthly 进度通报.
Figures come from the selectors and notices the pages use (``staff_dashboard``,
``notices.periodic.monthly_figures``, the letter and motion counts), so a
document never says other numbers than the dashboard or the emailed notice. Only what an official letter carries: numbers, titles, the lead
deputy's name, roles and dates; no phone or ID numbers."""
from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.notifications.text import cn_date
from congress_portal.wordml import Document

from . import selectors
from .letters import selectors as letter_selectors
from .models import AWAITING_REPLY, Assignment, Motion, MotionStatus, Suggestion, UnitRole
from .notices.periodic import OPEN_ITEM_COLUMNS, monthly_figures, unit_figure_rows

ISSUER = "省人民代表大会常务委员会代表工作委员会"


def issuer():
    return _(ISSUER)


def _assigned_on(held_on, user):
    """Active assignments made that (local) day, of the suggestions ``user`` acts on."""
    qs = Assignment.objects.filter(is_active=True, assigned_at__date=held_on)
    if user is not None:
        qs = qs.filter(suggestion__in=Suggestion.objects.visible_to(user).values("pk"))
    return qs


def batch_assignments(*, held_on, user=None):
    """The items handed over at the 交办会 of ``held_on``: the active
    assignments made that (local) day, with their suggestions and units."""
    return (
        _assigned_on(held_on, user)
        .select_related("unit", "suggestion__lead_deputy", "suggestion__session__term", "suggestion__key_supervision")
        .order_by("unit__code", "suggestion__number", "pk")
    )


def batch_units(*, held_on, user=None):
    """The units of a 交办会, with how many items each got (one query)."""
    return list(
        _assigned_on(held_on, user)
        .values("unit_id", "unit__name")
        .annotate(items=Count("pk"))
        .order_by("unit__name")
    )


def assignment_letter(*, unit, held_on, doc_number="", user=None):
    """交办函: the unit's items assigned on ``held_on`` and their deadlines, as .docx bytes."""
    rows = [a for a in batch_assignments(held_on=held_on, user=user) if a.unit_id == unit.pk]
    return _assignment_letter(unit=unit, held_on=held_on, rows=rows, doc_number=doc_number)


def meeting_assignments(*, meeting, unit=None):
    """The assignments a held 交办会 made (to ``unit`` only, if given), with
    their suggestions: exactly what the meeting handed over."""
    qs = Assignment.objects.filter(handover_items__meeting=meeting)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related(
        "unit", "suggestion__lead_deputy", "suggestion__session__term", "suggestion__key_supervision"
    ).order_by("unit__code", "suggestion__number", "pk")


def meeting_units(*, meeting):
    """The units of a held 交办会 with how many items each got (one query)."""
    return list(
        Assignment.objects.filter(handover_items__meeting=meeting)
        .values("unit_id", "unit__name").annotate(items=Count("pk")).order_by("unit__name")
    )


def meeting_assignment_letter(*, meeting, unit, doc_number=""):
    """交办函 of a held 交办会 for ``unit``: exactly its items of that meeting."""
    rows = list(meeting_assignments(meeting=meeting, unit=unit))
    held_on = timezone.localtime(meeting.held_at).date() if meeting.held_at else meeting.planned_on
    return _assignment_letter(unit=unit, held_on=held_on, rows=rows, doc_number=doc_number)


def _assignment_letter(*, unit, held_on, rows, doc_number):
    roles = Counter(a.role for a in rows)
    doc = Document(title_text=_("关于交办省人大代表建议的函"))
    doc.issuer(issuer())
    if doc_number:
        doc.number(doc_number)
    doc.title(_("关于交办省人大代表建议的函"))
    doc.addressee(unit.name)
    doc.paragraph(
        _("%(date)s召开的代表建议交办会议，将%(count)s件代表建议交由你单位办理，其中主办%(lead)s件、分办%(split)s件、协办%(co)s件。"
          "现将建议目录及答复期限函告如下，请认真研究办理，按期答复代表，并将答复抄送我委。")
        % {"date": cn_date(held_on), "count": len(rows), "lead": roles[UnitRole.LEAD],
           "split": roles[UnitRole.SPLIT], "co": roles[UnitRole.CO]}
    )
    table = []
    for index, a in enumerate(rows, 1):
        s = a.suggestion
        due = a.reply_due_at or a.opinion_due_at
        table.append([
            str(index), s.number_label, s.title, s.lead_deputy.name, a.get_role_display(),
            cn_date(timezone.localtime(due).date()) if due else "",
            _("重点督办") if getattr(s, "key_supervision", None) else "",
        ])
    doc.table([_("序号"), _("建议编号"), _("建议标题"), _("领衔代表"), _("承办类型"), _("答复期限"), _("备注")], table)
    doc.paragraph(_("协办单位请在期限内将协办意见送主办单位；主办、分办单位答复须经单位负责人签发。"))
    doc.signature(issuer(), cn_date(held_on))
    return doc.bytes()


def yearly_report(*, user, year):
    """The yearly report on the handling of deputies' suggestions, as .docx
    bytes: the dashboard's figures, results by category, letters and motions
    counted apart."""
    dashboard = selectors.staff_dashboard(user=user, year=year)
    figures = dashboard["figures"]
    letters = letter_selectors.counts(year=year, user=user)
    motions = dict(
        Motion.objects.visible_to(user).filter(session__year=year).values_list("status").annotate(n=Count("pk")).order_by()
    )
    doc = Document(title_text=_("%(year)s年度代表建议办理工作情况的报告") % {"year": year})
    doc.issuer(issuer())
    doc.title(_("关于%(year)s年度代表建议办理工作情况的报告") % {"year": year})
    doc.heading(_("一、建议提出和交办情况"))
    rate = figures["satisfaction_rate"]
    doc.paragraph(
        _("%(year)s年度，代表共提出建议%(submitted)s件，经审查交办%(assigned)s件，其中确定为重点督办%(key)s件。"
          "截至目前，已答复%(replied)s件，超期未答复%(overdue)s件。")
        % {"year": year, **{k: figures[k] for k in ("submitted", "assigned", "key", "replied", "overdue")}}
    )
    doc.heading(_("二、办理结果"))
    results = dashboard["charts"]["by_result"]["rows"]
    doc.table([_("办理结果类别"), _("件数")], [[label, str(n)] for label, n in results] or [[_("（暂无）"), "0"]])
    doc.paragraph(
        _("代表已测评%(rated)s件，满意率为%(rate)s。") % {"rated": figures["rated"], "rate": f"{rate}%" if rate is not None else "—"}
    )
    doc.heading(_("三、代表来信和议案"))
    doc.paragraph(
        _("代表来信不计入代表建议，另行登记办理：本年度登记%(total)s件，超期未答复%(overdue)s件。")
        % {"total": letters["total"], "overdue": letters["overdue"]}
    )
    doc.table([_("来信状态"), _("件数")], [[label, str(n)] for label, n in letters["by_status"].items()])
    doc.paragraph(
        _("本年度会议期间代表提出议案%(total)s件，其中列入会议议程%(placed)s件，不列入会议议程作为建议处理%(as_suggestion)s件。")
        % {"total": sum(motions.values()),
           "placed": motions.get(MotionStatus.ON_AGENDA, 0) + motions.get(MotionStatus.REPORTED, 0),
           "as_suggestion": motions.get(MotionStatus.AS_SUGGESTION, 0)}
    )
    doc.signature(issuer(), cn_date(timezone.localdate()))
    return doc.bytes()


def supervision_letter(*, suggestion, act_by, doc_number=""):
    """督办函 to the unit(s) answering for ``suggestion`` (lead and split units;
    co-units are copied): the item, its deadline and state, what the supervision
    visits found, and the date by which the unit reports what it has done."""
    assignments = list(
        suggestion.assignments.filter(is_active=True).select_related("unit").order_by("role", "unit__code")
    )
    answering = [a for a in assignments if a.role in (UnitRole.LEAD, UnitRole.SPLIT)]
    if not answering:
        raise ValueError("a supervision letter needs an assigned item")
    copied = [a.unit.name for a in assignments if a.role == UnitRole.CO]
    today = timezone.localdate()
    doc = Document(title_text=_("督办函"))
    doc.issuer(issuer())
    if doc_number:
        doc.number(doc_number)
    doc.title(_("关于督促办理%(number)s代表建议的函") % {"number": suggestion.number_label})
    doc.addressee("、".join(a.unit.name for a in answering))
    lead = answering[0]
    due = timezone.localtime(lead.reply_due_at).date() if lead.reply_due_at else None
    state = suggestion.get_status_display()
    if due and suggestion.status in AWAITING_REPLY and due < today:
        timing = _("答复期限为%(due)s，现已逾期%(days)s天，仍未答复。") % {"due": cn_date(due), "days": (today - due).days}
    elif due:
        timing = _("答复期限为%(due)s，目前办理状态为“%(state)s”。") % {"due": cn_date(due), "state": state}
    else:
        timing = _("目前办理状态为“%(state)s”。") % {"state": state}
    doc.paragraph(
        _("%(deputy)s代表提出的《%(title)s》（%(number)s），于%(assigned)s交由你单位办理。") % {
            "deputy": suggestion.lead_deputy.name, "title": suggestion.title, "number": suggestion.number_label,
            "assigned": cn_date(timezone.localtime(lead.assigned_at).date()),
        } + timing
    )
    visits = list(suggestion.supervision_visits.order_by("-held_on", "-pk")[:3])
    if visits:
        doc.heading(_("督办情况"))
        for visit in visits:
            doc.paragraph(_("%(date)s，%(group)s督办：%(findings)s") % {
                "date": cn_date(visit.held_on), "group": visit.group_name, "findings": visit.findings,
            })
            if visit.follow_up:
                doc.paragraph(_("督办意见：%(text)s") % {"text": visit.follow_up})
    doc.paragraph(
        _("请你单位高度重视，加大办理力度，加强与代表的沟通，并于%(date)s前将办理进展和结果书面报送我委。")
        % {"date": cn_date(act_by)}
    )
    if copied:
        doc.paragraph(_("抄送：%(units)s") % {"units": "、".join(copied)})
    doc.signature(issuer(), cn_date(today))
    return doc.bytes()


def progress_notice(*, today=None, now=None):
    """The monthly 进度通报 as an official document: every unit with open items,
    ranked as the emailed notice ranks them, and each unit's overdue items."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    month = monthly_figures(today=today, now=now)
    period = _("%(year)d年%(month)d月") % {"year": today.year, "month": today.month}
    doc = Document(title_text=_("%(period)s代表建议办理进度通报") % {"period": period})
    doc.issuer(issuer())
    doc.title(_("关于%(period)s代表建议办理进度情况的通报") % {"period": period})
    doc.addressee(_("各承办单位"))
    ranked = month["ranked"]
    overdue = sum(month["figures"][u]["overdue"] for u in ranked)
    doc.paragraph(
        _("截至%(date)s，%(units)s个承办单位有未办结的代表建议，其中逾期未答复%(overdue)s件。现将各单位办理进度通报如下。")
        % {"date": cn_date(today), "units": len(ranked), "overdue": overdue}
    )
    header = None
    rows = []
    for rank, unit_id in enumerate(ranked, 1):
        figures = unit_figure_rows(month["figures"][unit_id])
        header = header or [_("排名"), _("承办单位"), *[label for label, _value in figures]]
        rows.append([str(rank), month["names"].get(unit_id, ""), *[str(value) for _label, value in figures]])
    if rows:
        doc.heading(_("一、各单位办理进度"))
        doc.table(header, rows)
        late = [
            (month["names"].get(unit_id, ""), row) for unit_id in ranked for row in month["open_rows"][unit_id]
            if isinstance(row[-1], int) and row[-1] < 0
        ]
        doc.heading(_("二、逾期未答复的建议"))
        if late:
            doc.table(
                [_("承办单位"), _(OPEN_ITEM_COLUMNS[0]), _(OPEN_ITEM_COLUMNS[1]), _(OPEN_ITEM_COLUMNS[5]), _("逾期天数")],
                [[name, row[0], row[1], row[5], str(-row[-1])] for name, row in late],
            )
        else:
            doc.paragraph(_("本期没有逾期未答复的建议。"))
    doc.paragraph(_("请逾期单位抓紧办理，按期答复代表；其他单位对照期限，确保按时办结。"))
    doc.signature(issuer(), cn_date(today))
    return doc.bytes()

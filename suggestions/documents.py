"""The official documents officers file and send, as Word (.docx) files
(``congress_portal.wordml``): the 交办函 each unit gets at a 交办会, listing
exactly its items with their deadlines, and the yearly report on the handling
work. Figures come from the selectors the pages use (``staff_dashboard``,
the letter and motion counts), so a document never says other numbers than
the dashboard. Only what an official letter carries: numbers, titles, the lead
deputy's name, roles and dates; no phone or ID numbers."""
from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.notifications.text import cn_date
from congress_portal.wordml import Document

from . import selectors
from .letters import selectors as letter_selectors
from .models import Assignment, Motion, MotionStatus, Suggestion, UnitRole

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
    """交办函: the unit's items of the 交办会 of ``held_on`` and their deadlines, as .docx bytes."""
    rows = [a for a in batch_assignments(held_on=held_on, user=user) if a.unit_id == unit.pk]
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

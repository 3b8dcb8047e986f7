"""The official documents officers file and send, as Word (.docx) files
(``congress_portal.wordml``): the 交办函 each unit gets at a 交办会, listing
exactly its items with their deadlines, and the yearly report on the handling
work, the 督办函 asking a unit to act on one item, and the monthly 进度通报.
Figures come from the selectors and notices the pages use (``staff_dashboard``,
``notices.periodic.monthly_figures``, the letter and motion counts), so a
document never says other numbers than the dashboard or the emailed notice. Only what an official letter carries: numbers, titles, the lead
deputy's name, roles and dates; no phone or ID numbers.

Each document's title, issuer (发文机关), document number prefix and fixed
paragraphs come from its congress's template (``doc_templates``: edited by
that congress's staff, defaults the original text); the figures, tables and
the sentences that depend on the item's state stay here."""
from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.notifications.text import cn_date
from congress_portal.wordml import Document

from . import doc_templates, selectors
from .letters import selectors as letter_selectors
from .models import AWAITING_REPLY, Assignment, DocumentKind, Motion, MotionStatus, Suggestion, UnitRole
from .notices.periodic import OPEN_ITEM_COLUMNS, monthly_figures, unit_figure_rows

def _template(kind, *, congress=None, user=None):
    if congress is None and user is not None:
        congress = doc_templates.congress_for(user)
    return doc_templates.template_for(congress=congress, kind=kind)


def doc_number_for(kind, *, sequence, year, congress=None, user=None):
    """文号 of a document of ``kind``: the congress's prefix, the year, the sequence number typed."""
    return doc_templates.doc_number(_template(kind, congress=congress, user=user), year=year, sequence=sequence)


def _start(template, values, doc_number):
    """A document with the template's issuer, number and filled title."""
    title = doc_templates.fill(template.title, values)
    doc = Document(title_text=title)
    doc.issuer(template.issuer)
    if doc_number:
        doc.number(doc_number)
    doc.title(title)
    return doc


def _paragraphs(doc, text, values, suffix=""):
    lines = doc_templates.paragraphs(text, values)
    for i, line in enumerate(lines):
        doc.paragraph(line + (suffix if i == len(lines) - 1 else ""))
    if not lines and suffix:
        doc.paragraph(suffix)


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


def assignment_letter(*, unit, held_on, doc_number="", user=None, template=None):
    """交办函: the unit's items assigned on ``held_on`` and their deadlines, as .docx bytes."""
    rows = [a for a in batch_assignments(held_on=held_on, user=user) if a.unit_id == unit.pk]
    template = template or _template(DocumentKind.ASSIGNMENT_LETTER, user=user)
    return _assignment_letter(unit=unit, held_on=held_on, rows=rows, doc_number=doc_number, template=template)


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
    """交办函 of a held 交办会 for ``unit``: exactly its items of that meeting,
    in the words of the meeting's congress's template."""
    rows = list(meeting_assignments(meeting=meeting, unit=unit))
    held_on = timezone.localtime(meeting.held_at).date() if meeting.held_at else meeting.planned_on
    template = _template(DocumentKind.ASSIGNMENT_LETTER, congress=meeting.congress)
    return _assignment_letter(unit=unit, held_on=held_on, rows=rows, doc_number=doc_number, template=template)


def _assignment_letter(*, unit, held_on, rows, doc_number, template):
    roles = Counter(a.role for a in rows)
    values = {
        "单位": unit.name, "日期": cn_date(held_on), "件数": len(rows), "主办件数": roles[UnitRole.LEAD],
        "分办件数": roles[UnitRole.SPLIT], "协办件数": roles[UnitRole.CO],
    }
    doc = _start(template, values, doc_number)
    doc.addressee(unit.name)
    _paragraphs(doc, template.opening, values)
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
    _paragraphs(doc, template.closing, values)
    doc.signature(template.issuer, cn_date(held_on))
    return doc.bytes()


def yearly_report(*, user, year, doc_number=""):
    """The yearly report on the handling of deputies' suggestions, as .docx
    bytes: the dashboard's figures, results by category, letters and motions
    counted apart."""
    dashboard = selectors.staff_dashboard(user=user, year=year)
    figures = dashboard["figures"]
    letters = letter_selectors.counts(year=year, user=user)
    motions = dict(
        Motion.objects.visible_to(user).filter(session__year=year).values_list("status").annotate(n=Count("pk")).order_by()
    )
    template = _template(DocumentKind.YEARLY_REPORT, user=user)
    values = {"年度": year, "日期": cn_date(timezone.localdate())}
    doc = _start(template, values, doc_number)
    _paragraphs(doc, template.opening, values)
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
    _paragraphs(doc, template.closing, values)
    doc.signature(template.issuer, cn_date(timezone.localdate()))
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
    lead = answering[0]
    template = _template(DocumentKind.SUPERVISION_LETTER, congress=suggestion.congress)
    values = {
        "单位": "、".join(a.unit.name for a in answering), "建议编号": suggestion.number_label,
        "建议标题": suggestion.title, "代表": suggestion.lead_deputy.name,
        "交办日期": cn_date(timezone.localtime(lead.assigned_at).date()), "报送期限": cn_date(act_by), "日期": cn_date(today),
    }
    doc = _start(template, values, doc_number)
    doc.addressee(values["单位"])
    due = timezone.localtime(lead.reply_due_at).date() if lead.reply_due_at else None
    state = suggestion.get_status_display()
    if due and suggestion.status in AWAITING_REPLY and due < today:
        timing = _("答复期限为%(due)s，现已逾期%(days)s天，仍未答复。") % {"due": cn_date(due), "days": (today - due).days}
    elif due:
        timing = _("答复期限为%(due)s，目前办理状态为“%(state)s”。") % {"due": cn_date(due), "state": state}
    else:
        timing = _("目前办理状态为“%(state)s”。") % {"state": state}
    _paragraphs(doc, template.opening, values, suffix=timing)
    visits = list(suggestion.supervision_visits.order_by("-held_on", "-pk")[:3])
    if visits:
        doc.heading(_("督办情况"))
        for visit in visits:
            doc.paragraph(_("%(date)s，%(group)s督办：%(findings)s") % {
                "date": cn_date(visit.held_on), "group": visit.group_name, "findings": visit.findings,
            })
            if visit.follow_up:
                doc.paragraph(_("督办意见：%(text)s") % {"text": visit.follow_up})
    _paragraphs(doc, template.closing, values)
    if copied:
        doc.paragraph(_("抄送：%(units)s") % {"units": "、".join(copied)})
    doc.signature(template.issuer, cn_date(today))
    return doc.bytes()


def progress_notice(*, today=None, now=None, user=None, doc_number=""):
    """The monthly 进度通报 as an official document: every unit with open items,
    ranked as the emailed notice ranks them, and each unit's overdue items;
    a congress's staff get their own congress's units (as its emailed summary
    does), the whole province's staff every congress's."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    own = roles.congress_of(user) if user is not None else None
    month = monthly_figures(today=today, now=now, congress_id=own.pk if own else None)
    period = _("%(year)d年%(month)d月") % {"year": today.year, "month": today.month}
    ranked = month["ranked"]
    overdue = sum(month["figures"][u]["overdue"] for u in ranked)
    template = _template(DocumentKind.PROGRESS_NOTICE, user=user)
    values = {"期间": period, "日期": cn_date(today), "单位数": len(ranked), "逾期件数": overdue}
    doc = _start(template, values, doc_number)
    doc.addressee(_("各承办单位"))
    _paragraphs(doc, template.opening, values)
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
    _paragraphs(doc, template.closing, values)
    doc.signature(template.issuer, cn_date(today))
    return doc.bytes()

"""The station ledgers (台账) as Excel workbooks: roster, visit register,
issue register with outcomes, activity records. Rows are streamed from the
database with their joins; each ledger is a fixed number of queries."""
import io

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from congress_portal.spreadsheets import escape_formula
from deputies.models import Deputy, Mandate, MandateStatus

from .models import Activity, Issue, Stationing, Visit


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (CSV/formula injection)."""
    return escape_formula(value)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _names(deputies):
    return "、".join(d.name for d in deputies)


def roster(station, year=None):
    mandates = Prefetch("deputy__mandates", queryset=Mandate.objects.filter(status=MandateStatus.SERVING)
                        .select_related("congress"), to_attr="serving_mandates")
    rows = (
        Stationing.objects.filter(station=station).select_related("deputy").prefetch_related(mandates)
        .order_by("-is_active", "deputy__name")
    )
    header = [_("姓名"), _("性别"), _("代表资格"), _("工作单位及职务"), _("进站日期"), _("状态")]
    body = [
        [
            s.deputy.name, s.deputy.get_gender_display(),
            "、".join(f"{m.congress.name}" for m in s.deputy.serving_mandates),
            f"{s.deputy.work_unit}{s.deputy.title}", s.since, _("在站") if s.is_active else _("已离站"),
        ]
        for s in rows
    ]
    return _("进站代表名册"), header, body


def visit_register(station, year=None):
    visits = (
        Visit.objects.filter(station=station).select_related("activity", "recorded_by")
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")), "visitors", "issues")
        .order_by("received_on", "pk")
    )
    if year:
        visits = visits.filter(received_on__year=year)
    header = [_("接待日期"), _("接待代表"), _("接待人数"), _("来访群众"), _("反映问题数"), _("所属活动"), _("接待情况"),
              _("登记人")]
    body = [
        [
            v.received_on, _names(v.deputies.all()), v.people_count,
            "、".join(f"{p.name or _('匿名')}{'(' + p.contact + ')' if p.contact else ''}" for p in v.visitors.all()),
            len(v.issues.all()), v.activity.title if v.activity else "", v.summary, str(v.recorded_by or ""),
        ]
        for v in visits
    ]
    return _("来访登记台账"), header, body


def issue_register(station, year=None):
    issues = Issue.objects.filter(station=station).select_related(
        "category", "forwarded_unit", "addressed_to", "taken_up_by", "visit", "suggestion"
    ).order_by("created_at", "pk")
    if year:
        issues = issues.filter(created_at__year=year)
    header = [_("登记时间"), _("来源"), _("类别"), _("问题内容"), _("反映人"), _("联系方式"), _("状态"), _("转办单位"),
              _("反馈期限"), _("反馈时间"), _("是否按期"), _("办理结果"), _("代表建议")]
    body = []
    for i in issues:
        on_time = i.feedback_on_time
        body.append([
            _local(i.created_at), i.get_source_display(), str(i.category or ""), i.content, i.raised_by_name,
            i.raised_by_contact, i.get_status_display(), str(i.forwarded_unit or ""), i.feedback_due_on,
            _local(i.feedback_at), "" if on_time is None else (_("是") if on_time else _("否")), i.outcome,
            f"{i.suggestion} ({i.suggestion.get_status_display()})" if i.suggestion else "",
        ])
    return _("问题办理台账"), header, body


def activity_records(station, year=None):
    activities = Activity.objects.filter(station=station).select_related("handling_unit").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("id", "name"))
    ).order_by("starts_at", "pk")
    if year:
        activities = activities.filter(starts_at__year=year)
    header = [_("开始时间"), _("结束时间"), _("类型"), _("主题"), _("参加代表"), _("进站单位"), _("参加群众人数"), _("内容")]
    body = [
        [_local(a.starts_at), _local(a.ends_at), a.get_kind_display(), a.title, _names(a.deputies.all()),
         str(a.handling_unit or ""), a.participants, a.description]
        for a in activities
    ]
    return _("活动记录台账"), header, body


LEDGERS = {
    "roster": roster,
    "visits": visit_register,
    "issues": issue_register,
    "activities": activity_records,
}


def export(*, station, kind, year=None):
    """Returns (xlsx bytes, file name). Raises KeyError for an unknown kind."""
    build = LEDGERS[kind]
    title, header, body = build(station, year)
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append([f"{station.name} · {title}" + (f" · {year}" if year else "")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([_cell(str(v) if hasattr(v, "__html__") else v) for v in row])
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    from urllib.parse import quote

    filename = quote(f"{station.name}-{title}{'-' + str(year) if year else ''}.xlsx")
    return buffer.getvalue(), filename

"""The result sheet as an xlsx workbook: totals and one line per candidate.
It holds no deputy at all, so it cannot link a ballot to anyone."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from congress_portal.spreadsheets import escape_formula

from . import selectors
from .models import TallySummary


def result_workbook(ballot):
    summary = TallySummary.objects.get(ballot=ballot)
    book = Workbook()
    sheet = book.active
    sheet.title = _("计票结果")
    bold = Font(bold=True)
    sheet.append([escape_formula(ballot.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("人民代表大会"), escape_formula(str(ballot.congress))])
    rows = [
        (_("应选项目数"), ballot.seats),
        (_("全体代表人数"), summary.electorate_size),
        (_("出席人数"), summary.present),
        (_("收回选票"), summary.ballots_cast),
        (_("有效票"), summary.ballots_valid),
        (_("无效票"), summary.ballots_invalid),
        (_("当选所需赞成票"), summary.majority_needed),
        (_("需再次投票的名额"), summary.runoff_seats),
    ]
    if ballot.tallied_at:
        rows.append((_("计票时间"), timezone.localtime(ballot.tallied_at).strftime("%Y-%m-%d %H:%M")))
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    header = [_("票面序号"), _("项目名称"), _("赞成"), _("反对"), _("弃权"), _("名次"), _("结果"), _("责任单位"), _("估算投资（万元）")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in selectors.result_sheet(ballot):
        project = line.candidate.project
        sheet.append([
            line.candidate.order, escape_formula(project.title), line.votes_for, line.votes_against, line.votes_abstain, line.rank,
            line.get_outcome_display(), escape_formula(str(project.responsible_unit or "")),
            float(project.estimated_budget) if project.estimated_budget is not None else None,
        ])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def comparison_workbook(calls):
    """Staff's side-by-side figures, one row per congress and year. Percentages are
    numbers (0-100) so the sheet can be sorted and charted; blank where there is
    nothing to measure yet."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("各地对比")
    header = [
        _("年度"), _("人民代表大会"), _("层级"), _("区划代码"), _("票决"), _("票决状态"), _("候选项目"), _("应选项目数"),
        _("当选项目"), _("全体代表人数"), _("出席人数"), _("出席率（%）"), _("投票人数"), _("投票率（%）"),
        _("已完成项目"), _("平均完成进度（%）"), _("满意度测评"), _("测评人次"), _("满意和基本满意"), _("满意率（%）"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for call in calls:
        ballot = call.main_ballot
        voted = call.turnout_percent is not None
        sheet.append([
            call.year, escape_formula(str(call.congress)), call.congress.get_level_display(), call.congress.area.code,
            escape_formula(ballot.title) if ballot else None, ballot.get_status_display() if ballot else _("尚未建立票决"),
            call.candidate_count, ballot.seats if ballot else None, call.chosen_count,
            ballot.electorate_size if voted else None, ballot.present_count if voted else None, call.attendance_percent,
            ballot.cast_count if voted else None, call.turnout_percent,
            call.completed_count, call.implementation_percent, call.get_rating_status_display(), call.ratings_count,
            call.satisfied_count, call.satisfaction_percent,
        ])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["E"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

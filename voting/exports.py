"""The result sheet as an xlsx workbook: totals and one line per candidate.
It holds no deputy at all, so it cannot link a ballot to anyone."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import selectors
from .models import TallySummary


def result_workbook(ballot):
    summary = TallySummary.objects.get(ballot=ballot)
    book = Workbook()
    sheet = book.active
    sheet.title = _("计票结果")
    bold = Font(bold=True)
    sheet.append([ballot.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("人民代表大会"), str(ballot.congress)])
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
            line.candidate.order, project.title, line.votes_for, line.votes_against, line.votes_abstain, line.rank,
            line.get_outcome_display(), str(project.responsible_unit or ""),
            float(project.estimated_budget) if project.estimated_budget is not None else None,
        ])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

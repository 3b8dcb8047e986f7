"""Excel exports (openpyxl, write-only so 140,000 rows stream in constant memory)."""
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from congress_portal.spreadsheets import escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook, filename):
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


def _append(sheet, values):
    """Every row goes through here: a name or title such as ``=HYPERLINK(...)``
    stays text instead of becoming a live formula."""
    sheet.append([escape_formula(value) for value in values])


def _share(value):
    return "" if value is None else round(value * 100, 1)


def coverage_workbook(report, not_covered):
    """Sheet 1 the shares by level and new/returning; sheet 2 the names not covered."""
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_("覆盖情况"))
    _append(summary, [_("层级"), _("类别"), _("代表人数"), _("完成初任学习"), _("初任学习覆盖率（%）"), _("完成履职学习"), _("履职学习覆盖率（%）")])
    for row in report.rows:
        _append(summary, [
            str(row.level_label),
            _("新任代表") if row.first_term else _("连任代表"),
            row.deputies,
            row.induction_done if row.first_term else "",
            _share(row.induction_share),
            row.duty_done,
            _share(row.duty_share),
        ])
    _append(summary, [_("合计"), "", report.total, report.induction_done, _share(report.induction_share), report.duty_done, _share(report.duty_share)])
    names = wb.create_sheet(_("未覆盖代表名单"))
    _append(names, [_("姓名"), _("层级"), _("届"), _("代表团"), _("新任"), _("缺初任学习"), _("缺履职学习")])
    for mandate in not_covered.iterator(chunk_size=2000):
        _append(names, [
            mandate.deputy.name,
            mandate.get_level_display(),
            str(mandate.term),
            mandate.delegation.name if mandate.delegation_id else "",
            _("是") if mandate.first_term else _("否"),
            _("是") if mandate.first_term and not mandate.induction_done else "",
            _("是") if not mandate.duty_done else "",
        ])
    return wb


def duty_record_workbook(record):
    """One deputy's yearly record: figures by part, the score's breakdown, the details."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("履职档案"))
    _append(sheet, [_("%(year)s年度代表履职档案") % {"year": record.year}])
    _append(sheet, [_("姓名"), record.deputy.name])
    if record.congress is not None:
        _append(sheet, [_("代表资格"), record.congress.mandate_label])
    _append(sheet, [_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    _append(sheet, [])
    _append(sheet, [_("履职情况"), _("项目"), _("数量")])
    for section in record.sections:
        for label, value in section.figures:
            _append(sheet, [str(section.label), str(label), value])
    _append(sheet, [])
    _append(sheet, [_("评分项目"), _("数量"), _("每项分值"), _("最高分"), _("得分")])
    for line in record.score.lines:
        _append(sheet, [line.label, line.value, float(line.points_per_unit), "" if line.max_points is None else float(line.max_points), float(line.points)])
    _append(sheet, [_("履职得分"), "", "", "", float(record.score.total)])
    details = wb.create_sheet(_("履职明细"))
    _append(details, [_("类别"), _("日期"), _("内容")])
    for section in record.sections:
        for date, text in section.details:
            _append(details, [str(section.label), date.isoformat() if date else "", str(text)])
    return wb


def duty_records_workbook(records, metric_labels, year):
    """The stored records of a year, one deputy a row, every metric a column."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("%(year)s年度履职档案") % {"year": year})
    keys = list(metric_labels)
    _append(sheet, [_("代表"), _("履职得分"), *[str(metric_labels[k]) for k in keys]])
    for record in records.iterator(chunk_size=2000):
        _append(sheet, [record.deputy.name, float(record.score), *[record.metrics.get(k, 0) for k in keys]])
    return wb

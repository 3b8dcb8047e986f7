"""Excel in and out: the one export of a filtered suggestion list (the staff
page and the API both call ``export_suggestions``), and the import
of paper suggestions collected during a plenary. The import is all or nothing:
one bad row refuses the whole file, and every bad row is named."""
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from congress_portal.accounts import roles
from congress_portal.spreadsheets import escape_formula, unescape_formula
from congress_portal.xlsx_reader import SpreadsheetRefused, limits, open_sheet
from deputies.models import Mandate

from . import services
from .models import SuggestionCategory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 20000


def _day(value):
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


# The columns of the export: a title and what each row shows. No personal data.
EXPORT_COLUMNS = [
    (gettext_lazy("编号"), lambda s: s.number_label),
    (gettext_lazy("标题"), lambda s: s.title),
    (gettext_lazy("领衔代表"), lambda s: s.lead_deputy.name),
    (gettext_lazy("类别"), lambda s: s.category.name),
    (gettext_lazy("年度"), lambda s: s.year),
    (gettext_lazy("会议"), lambda s: str(s.session) if s.session_id else ""),
    (gettext_lazy("提出时间"), lambda s: _day(s.submitted_at)),
    (gettext_lazy("状态"), lambda s: s.get_status_display()),
    (gettext_lazy("承办单位"), lambda s: "、".join(f"{a.unit}（{a.get_role_display()}）" for a in getattr(s, "active_assignments", []))),
    (gettext_lazy("交办时间"), lambda s: _day(s.assigned_at)),
    (gettext_lazy("答复期限"), lambda s: _day(s.reply_due_at)),
    (gettext_lazy("答复时间"), lambda s: _day(s.replied_at)),
    (gettext_lazy("是否逾期"), lambda s: _("是") if s.is_overdue else ""),
    (gettext_lazy("重点督办"), lambda s: _("是") if hasattr(s, "key_supervision") else ""),
    (gettext_lazy("公开方式"), lambda s: s.get_disclosure_display()),
]


def _cell(value):
    # Text that starts like a formula is written as text, so Excel never runs it.
    if value is None:
        return ""
    return value if isinstance(value, int) else escape_formula(str(value))


def export_suggestions(queryset):
    """The one Excel export of a suggestion list (the staff page's and the
    API's): an .xlsx (bytes) of the first EXPORT_MAX_ROWS rows of
    ``queryset``. Call it with a selector's queryset
    (``with_list_joins().with_units()``) so that the rows have their joins."""
    out = io.BytesIO()
    write_suggestions(out, queryset, max_rows=EXPORT_MAX_ROWS)
    return out.getvalue()


def write_suggestions(target, queryset, *, max_rows, progress=None, total=None, every=2000):
    """Write the first ``max_rows`` rows of ``queryset`` to ``target`` (a path
    or binary file) as .xlsx, row by row into a write-only workbook (memory
    stays flat); every text cell goes through ``escape_formula``. A background
    export passes ``progress(phase, done, total)``, told every ``every`` rows.
    Returns the number of rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("代表建议"))
    ws.append([str(title) for title, _fn in EXPORT_COLUMNS])
    phase = _("写出表格")
    rows = 0
    for s in queryset[:max_rows].iterator(chunk_size=every):  # prefetches run per chunk
        ws.append([_cell(fn(s)) for _title, fn in EXPORT_COLUMNS])
        rows += 1
        if progress is not None and rows % every == 0:
            progress(phase, rows, total)
    wb.save(target)
    return rows


def _percent(value):
    return "" if value is None else f"{value}%"


# The unit figures export: the league table's rows (suggestions.figures), ranked units then those listed apart.
UNIT_COLUMNS = [
    (gettext_lazy("名次"), lambda r: r["rank"] if r["rank"] is not None else _("不排名")),
    (gettext_lazy("承办单位"), lambda r: r["unit"].name),
    (gettext_lazy("承办件数"), lambda r: r["owing"]),
    (gettext_lazy("已答复"), lambda r: r["replied"]),
    (gettext_lazy("首次答复期限已到或已答复"), lambda r: r["first_due"]),
    (gettext_lazy("按期首次答复"), lambda r: r["on_time"]),
    (gettext_lazy("按期答复率"), lambda r: _percent(r["on_time_rate"])),
    (gettext_lazy("已测评"), lambda r: r["rated"]),
    (gettext_lazy("满意（含基本满意）"), lambda r: r["satisfied"]),
    (gettext_lazy("满意率"), lambda r: _percent(r["satisfaction_rate"])),
    (gettext_lazy("签收率"), lambda r: _percent(r["acknowledgement_rate"])),
    (gettext_lazy("重新办理率"), lambda r: _percent(r["rehandling_rate"])),
]


def export_unit_figures(table):
    """The league table (``selectors.league_table()``) as an .xlsx (bytes): one
    sheet of units, ranked ones first, and one of the definitions."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("承办单位办理情况"))
    ws.append([str(title) for title, _fn in UNIT_COLUMNS])
    for row in table["ranked"] + table["apart"]:
        ws.append([_cell(fn(row)) for _title, fn in UNIT_COLUMNS])
    notes = wb.create_sheet(_("指标口径"))
    for text in table["definitions"]:
        notes.append([str(text)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


IMPORT_HEADERS = ["领衔代表", "代表证号", "标题", "内容", "类别", "附议代表", "同意公开"]
REQUIRED = ["领衔代表", "标题", "内容", "类别"]
# A paper import is one plenary's suggestions: a few thousand rows at most.
IMPORT_MAX_ROWS = 20000


def _truthy(value):
    return str(value).strip() not in ("否", "不同意", "0", "false", "False", "N", "n")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_formula(str(value).strip())


def _check_header(header):
    """Column index per known title; unknown, repeated and missing columns refused by name."""
    errors, col = [], {}
    for index, title in enumerate(header):
        if not title:
            continue
        if title not in IMPORT_HEADERS:
            errors.append(_("第1行「%(col)s」：无法识别的列（可用的列：%(known)s）。") % {"col": title, "known": "、".join(IMPORT_HEADERS)})
        elif title in col:
            errors.append(_("第1行「%(col)s」：列重复。") % {"col": title})
        else:
            col[title] = index
    missing = [h for h in REQUIRED if h not in col]
    if missing:
        errors.append(_("缺少必填列：%(cols)s。") % {"cols": "、".join(f"「{h}」" for h in missing)})
    if errors:
        raise ValidationError({"file": errors})
    return col


def import_paper_suggestions(*, file, session, actor):
    """Read an .xlsx with the columns of IMPORT_HEADERS and enter one paper
    suggestion per row on the deputies' behalf, in ``session``. Returns the new
    suggestions. The file goes through the guarded reader (size, zip and row
    limits, one sheet, no formulas); a column not in IMPORT_HEADERS is refused.
    Raises ValidationError naming every bad row and column, and creates
    nothing when any row is bad."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以导入建议。"))
    try:
        with open_sheet(file, max_rows=min(IMPORT_MAX_ROWS, limits()["max_rows"])) as sheet:
            return _import_rows(sheet, session=session, actor=actor)
    except SpreadsheetRefused as refused:
        raise ValidationError({"file": refused.messages}) from None


def _import_rows(sheet, *, session, actor):
    col = _check_header(sheet.header)
    mandates = Mandate.objects.filter(term=session.term).select_related("deputy")
    by_card = {m.card_number: m.deputy for m in mandates if m.card_number}
    by_name = {}
    for m in mandates:
        by_name.setdefault(m.deputy.name, []).append(m.deputy)
    categories = {c.name: c for c in SuggestionCategory.objects.filter(is_active=True)}

    def deputy_for(name, card, line, column, errors):
        if card:
            deputy = by_card.get(card)
            if deputy is None or (name and deputy.name != name):
                errors.append(_("第%(line)s行「代表证号」：代表证号「%(card)s」与代表「%(name)s」不符。") % {"line": line, "card": card, "name": name})
            return deputy
        found = by_name.get(name, [])
        if len(found) != 1:
            msg = _("第%(line)s行「%(col)s」：本届没有名为「%(name)s」的代表。") if not found else _("第%(line)s行「%(col)s」：本届有多名「%(name)s」，请填写代表证号。")
            errors.append(msg % {"line": line, "col": column, "name": name})
            return None
        return found[0]

    errors, planned = [], []
    for line, row in sheet.rows:
        cell = {h: _text(row[i]) for h, i in col.items()}
        if not any(cell.values()):
            continue
        row_errors = [_("第%(line)s行「%(col)s」：不能为空。") % {"line": line, "col": h} for h in REQUIRED if not cell.get(h)]
        lead = deputy_for(cell.get("领衔代表", ""), cell.get("代表证号", ""), line, "领衔代表", row_errors) if cell.get("领衔代表") else None
        category = categories.get(cell.get("类别", ""))
        if cell.get("类别") and category is None:
            row_errors.append(_("第%(line)s行「类别」：类别「%(cat)s」不存在。") % {"line": line, "cat": cell["类别"]})
        co = []
        for name in filter(None, (n.strip() for n in cell.get("附议代表", "").replace(",", "、").replace("，", "、").split("、"))):
            d = deputy_for(name, "", line, "附议代表", row_errors)
            if d is not None:
                co.append(d)
        if len(cell.get("标题", "")) > 200:
            row_errors.append(_("第%(line)s行「标题」：标题超过200字。") % {"line": line})
        errors += row_errors
        if not row_errors:
            planned.append((line, dict(lead_deputy=lead, title=cell["标题"], content=cell["内容"], category=category, co_signers=co,
                                disclosure_consent=_truthy(cell.get("同意公开", "是") or "是"))))
    if errors:
        raise ValidationError({"file": errors})
    if not planned:
        raise ValidationError({"file": _("文件中没有建议。")})
    created = []
    with transaction.atomic():
        for line, kwargs in planned:
            try:
                created.append(services.submit_suggestion(actor=actor, during_session=True, session=session, **kwargs))
            except ValidationError as exc:  # a rule of the service: name the row too
                raise ValidationError({"file": [_("第%(line)s行：%(msg)s") % {"line": line, "msg": "；".join(exc.messages)}]}) from exc
    return created


def import_template():
    """An empty .xlsx with the import headers and one example row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表建议"
    ws.append(IMPORT_HEADERS)
    ws.append(["张三", "", "关于加强农村饮水安全的建议", "建议……", "农业农村", "李四、王五", "是"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

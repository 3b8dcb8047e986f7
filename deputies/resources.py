"""Excel (xlsx) import and export of deputies with their mandates.

The sheet has one row per mandate; the person's columns are repeated on each of
their rows (a county head elected at two levels appears twice, with the same ID
number). That is the shape a county office fills in by hand from its own lists.

Everything here is about the sheet: its columns, how a cell is read and checked,
how a value is written (masked for non-staff, formula-like text escaped). The
writes themselves are ``deputies.services.import_deputies``, which the admin
(through ``DeputyMandateResource.import_data``), the ``import_deputies`` command,
``seed_deputies --scale`` and the benchmark all call.
"""
import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.formats.base_formats import XLSX
from import_export.results import InvalidRow, Result, RowResult

from congress_portal.accounts.roles import is_staff_member
from congress_portal.spreadsheets import escape_formula, unescape_formula  # noqa: F401 - re-exported
from congress_portal.xlsx_reader import SpreadsheetRefused, open_sheet

from .models import (
    Deputy,
    Gender,
    Level,
    Mandate,
    MandateStatus,
    Occupation,
    Party,
)
from .validators import mask_id_number, mask_phone

from .services import ImportRefused, import_deputies
from .sheet import COLUMN_BY_KEY, COLUMNS, MANDATE_FIELDS, PERSON_FIELDS, RowCleaner, header_layout


# ---------------------------------------------------------------------------
# Export


def export_queryset(queryset=None):
    """Mandates with everything a row needs, in one query."""
    if queryset is None:
        queryset = Mandate.objects.all()
    return queryset.select_related(
        "deputy", "congress__area", "term", "electoral_unit", "delegation"
    ).order_by("deputy__id_number", "term__start_date", "pk")


def _label(choices_cls, value):
    try:
        return str(choices_cls(value).label)
    except ValueError:
        return value


EXPORTERS = {
    "id_number": lambda m: m.deputy.id_number,
    "name": lambda m: m.deputy.name,
    "gender": lambda m: _label(Gender, m.deputy.gender),
    "ethnicity": lambda m: m.deputy.ethnicity,
    "birth_date": lambda m: m.deputy.birth_date,
    "party": lambda m: _label(Party, m.deputy.party),
    "occupation": lambda m: _label(Occupation, m.deputy.occupation),
    "work_unit": lambda m: m.deputy.work_unit,
    "title": lambda m: m.deputy.title,
    "phone": lambda m: m.deputy.phone,
    "congress_area_code": lambda m: m.congress.area.code,
    "level": lambda m: _label(Level, m.congress.level),
    "congress_name": lambda m: m.congress.name,
    "term_number": lambda m: m.term.number,
    "electoral_unit": lambda m: m.electoral_unit.name if m.electoral_unit_id else "",
    "delegation": lambda m: m.delegation.name if m.delegation_id else "",
    "card_number": lambda m: m.card_number,
    "status": lambda m: _label(MandateStatus, m.status),
    "start_date": lambda m: m.start_date,
    "end_date": lambda m: m.end_date,
    "first_term": lambda m: _("是") if m.first_term else _("否"),
}
MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


def export_value(key, mandate, masked):
    value = EXPORTERS[key](mandate)
    if masked and key in MASKERS:
        value = MASKERS[key](value)
    return escape_formula(value)


def sees_personal_data(actor):
    """Exports for anyone but committee staff mask the ID number and phone.
    ``actor=None`` is the operator at the command line."""
    return actor is None or is_staff_member(actor)


def write_xlsx(target, queryset=None, *, actor=None, masked=None, title=None):
    """Stream mandates to an xlsx file (openpyxl write-only: memory stays flat
    however many rows). ``target`` is a path or a binary file object."""
    from openpyxl import Workbook

    if masked is None:
        masked = not sees_personal_data(actor)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title or _("代表名册"))
    sheet.append([c.header for c in COLUMNS])
    rows = 0
    for mandate in export_queryset(queryset).iterator(chunk_size=2000):
        sheet.append([export_value(c.key, mandate, masked) for c in COLUMNS])
        rows += 1
    workbook.save(target)
    return rows


def read_xlsx(source):
    """``(header, rows)`` of the workbook's one non-empty sheet, rows as
    (Excel row number, values), streamed through the guarded reader
    (``congress_portal.xlsx_reader``: size, zip and row limits, formulas
    refused). Raises SpreadsheetRefused."""
    sheet = open_sheet(source)
    return sheet.header, sheet.rows


class GuardedXLSX(XLSX):
    """The admin's xlsx format: the file goes through the guarded reader
    instead of tablib's (which reads formulas as empty cells, only the active
    sheet, with no limits). Blank rows are kept as empty rows so that a
    dataset row's position gives its Excel row number."""

    def create_dataset(self, in_stream):
        with open_sheet(in_stream) as sheet:
            dataset = tablib.Dataset(headers=sheet.header)
            dataset.first_row_number = sheet.header_row + 1
            blank = (None,) * len(sheet.header)
            expected = dataset.first_row_number
            for number, values in sheet.rows:
                for _gap in range(expected, number):
                    dataset.append(blank)
                dataset.append(values)
                expected = number + 1
        if not dataset.height:
            raise SpreadsheetRefused(_("文件中没有数据行。"))
        return dataset


# ---------------------------------------------------------------------------
# django-import-export: the admin's import and export


def report_to_result(report, header):
    """An import report as django-import-export's Result, for the admin pages."""
    result = Result()
    result.diff_headers = [str(h) if h is not None else "" for h in header]
    result.total_rows = report.rows
    result.totals[RowResult.IMPORT_TYPE_NEW] = report.mandates_created
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.mandates_updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = report.mandates_unchanged
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, {}).setdefault(error.column, []).append(error.message)
    for row_number, error_dict in sorted(by_row.items()):
        values = report.bad_row_values.get(row_number, ())
        result.invalid_rows.append(InvalidRow(number=row_number, validation_error=ValidationError(error_dict), values=values))
    result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_row)
    # Changes to people already in the roster, for the preview to list and the officer to confirm.
    result.person_changes = report.person_changes
    return result


class DeputyMandateResource(resources.ModelResource):
    """Deputies with their mandates, one row per mandate.

    ``import_data`` takes the fast path (``services.import_deputies``: checks
    the whole sheet, refuses it whole on any bad row, then bulk writes in one
    transaction). ``fast=False`` keeps django-import-export's stock row-by-row
    import, with the same row checks, for comparison (bin/bench deputies_import).
    """

    def __init__(self, actor=None, masked=None, fast=True, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.masked = (not sees_personal_data(actor)) if masked is None else masked
        self.fast = fast
        self._refs = None

    class Meta:
        model = Mandate
        fields = tuple(c.key for c in COLUMNS)
        skip_unchanged = True
        report_skipped = False
        skip_diff = False
        skip_html_diff = True
        use_transactions = True

    # One declared field per column (the admin's export form lists them); the
    # class namespace is a plain dict, so the declarative metaclass sees them.
    locals().update(
        {c.key: fields.Field(attribute=c.key, column_name=c.source_header, readonly=True) for c in COLUMNS}
    )

    @classmethod
    def get_display_name(cls):
        return _("代表及代表资格")

    def get_export_order(self):
        return tuple(c.key for c in COLUMNS)

    def get_export_headers(self, selected_fields=None):
        return [COLUMN_BY_KEY[f.attribute].header for f in self.get_export_fields(selected_fields)]

    def filter_export(self, queryset, **kwargs):
        return export_queryset(queryset)

    def export_field(self, field, instance, **kwargs):
        return export_value(field.attribute, instance, self.masked)

    # -- fast path ---------------------------------------------------------
    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        if not self.fast:
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions, **kwargs
            )
        actor = kwargs.get("user", self.actor)
        header = list(dataset.headers or [])
        try:
            report = import_deputies(
                header=header, rows=enumerate(dataset, start=getattr(dataset, "first_row_number", 2)), actor=actor,
                dry_run=dry_run, file_name=kwargs.get("file_name") or "",
                confirm_changes=bool(kwargs.get("confirm_changes")),
            )
        except ImportRefused as refused:
            report = refused.report
        return report_to_result(report, header)

    # -- row-by-row path (fast=False): django-import-export's own loop -----
    def before_import(self, dataset, **kwargs):
        from .selectors import QueryReferences

        layout, errors = header_layout(dataset.headers or [])
        if errors:
            raise ValidationError("; ".join(f"{h}: {m}" for h, m in errors))
        self._layout = layout
        self._cleaner = RowCleaner(QueryReferences(), layout)

    def _check_import_id_fields(self, headers):
        return None  # rows are matched on (ID number, term) in get_instance

    def before_import_row(self, row, row_number=None, **kwargs):
        values = {key: value for key, value in zip(self._layout, row.values()) if key}
        clean, errors = self._cleaner.clean((row_number or 0) + 1, values)
        if errors:
            error_dict = {}
            for key, message in errors:
                error_dict.setdefault(str(COLUMN_BY_KEY[key].header), []).append(message)
            raise ValidationError(error_dict)
        deputy = Deputy.objects.filter(id_number=clean.id_number).first() or Deputy(id_number=clean.id_number)
        for field_name, value in zip(PERSON_FIELDS, clean.person):
            if COLUMN_BY_KEY[field_name].key in self._cleaner.present or deputy.pk is None:
                setattr(deputy, field_name, value)
        deputy.full_clean()
        deputy.save()
        row["_clean"], row["_deputy"] = clean, deputy

    def get_instance(self, instance_loader, row):
        return Mandate.objects.filter(deputy=row["_deputy"], term_id=row["_clean"].term_id).first()

    def init_instance(self, row=None):
        clean = row["_clean"]
        return Mandate(deputy=row["_deputy"], congress_id=clean.congress_id, term_id=clean.term_id, level=clean.level)

    def import_instance(self, instance, row, **kwargs):
        for field_name, value in zip(MANDATE_FIELDS, row["_clean"].mandate):
            setattr(instance, field_name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is None or original.pk is None:
            return False
        return all(getattr(instance, f) == getattr(original, f) for f in MANDATE_FIELDS)

"""Writes of the deputies app: the xlsx import and the staff's edits.

Keyword-only functions that raise Django's ValidationError / PermissionDenied;
congress_portal.api maps them to responses."""
import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from congress_portal.accounts import roles

from .models import Deputy, DeputyGroup, DeputyImport, DeputyGroupMembership, HandlingUnit, Mandate, UnitContact
from .permissions import can_import_deputies, can_manage_deputies
from .sheet import (
    COLUMN_BY_KEY,
    MANDATE_FIELD_COLUMN,
    MANDATE_FIELDS,
    PERSON_FIELDS,
    RowCleaner,
    header_layout,
)
from .selectors import ReferenceIndex

BATCH_SIZE = 2000
LOOKUP_CHUNK = 5000
# A caller's progress(phase, done, total) hears of the check pass this often (rows).
PROGRESS_EVERY = 5000
# Keep the raw values of this many bad rows for the admin's error table.
BAD_ROW_VALUES_KEPT = 500


@dataclass
class RowError:
    row: int  # as Excel numbers it: the header is row 1
    column: str  # the column's header
    message: str

    def __str__(self):
        return _("第%(row)d行「%(column)s」：%(message)s") % {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    deputies_created: int = 0
    deputies_updated: int = 0
    deputies_unchanged: int = 0
    mandates_created: int = 0
    mandates_updated: int = 0
    mandates_unchanged: int = 0
    errors: list = field(default_factory=list)
    bad_row_values: dict = field(default_factory=dict)
    person_changes: list = field(default_factory=list)  # PersonChange, for the officer to confirm
    timings: dict = field(default_factory=dict)  # phase -> seconds

    def add_errors(self, row_number, errors, raw_values=None):
        for key, message in errors:
            column = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
            self.errors.append(RowError(row_number, str(column), str(message)))
        if raw_values is not None and len(self.bad_row_values) < BAD_ROW_VALUES_KEPT:
            self.bad_row_values[row_number] = tuple("" if v is None else v for v in raw_values)

    @property
    def bad_rows(self):
        return sorted({e.row for e in self.errors})

    def summary(self):
        return _(
            "共%(rows)d行：代表新增%(dc)d人、更新%(du)d人、未变%(dn)d人；代表资格新增%(mc)d个、更新%(mu)d个、未变%(mn)d个。"
        ) % {
            "rows": self.rows,
            "dc": self.deputies_created, "du": self.deputies_updated, "dn": self.deputies_unchanged,
            "mc": self.mandates_created, "mu": self.mandates_updated, "mn": self.mandates_unchanged,
        }


@dataclass
class PersonChange:
    """A value of a person already in the roster (same ID number) that the
    sheet would change: shown in the preview, applied only once confirmed."""

    row: int
    id_number: str
    name: str  # the name on record
    column: str
    before: str
    after: str

    def __str__(self):
        return _("第%(row)d行「%(column)s」：%(name)s（%(id)s）由「%(before)s」改为「%(after)s」") % {
            "row": self.row, "column": self.column, "name": self.name, "id": self.id_number,
            "before": self.before, "after": self.after,
        }


def _shown(field_name, value):
    """A person's value as the sheet shows it (labels, dates), for the preview."""
    if value is None or value == "":
        return _("（空）")
    model_field = Deputy._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


class ImportRefused(ValidationError):
    """The whole sheet is refused; ``report.errors`` names each bad row and column."""

    def __init__(self, report, shown=200):
        self.report = report
        messages = [str(e) for e in report.errors[:shown]]
        if len(report.errors) > shown:
            messages.append(_("……另有%(n)d处错误未列出。") % {"n": len(report.errors) - shown})
        super().__init__(messages, code="import_refused")


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


@contextmanager
def _gc_relaxed():
    """The import allocates millions of small long-lived objects; with the
    default thresholds the cyclic collector walks them over and over. Collect
    far less often (not never: query compilation leaves cycles that would
    otherwise pile up)."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def import_deputies(*, header, rows, actor=None, dry_run=False, file_name="", batch_size=BATCH_SIZE,
                    confirm_changes=False, progress=None, progress_every=PROGRESS_EVERY, expected_rows=None):
    """Import deputies with their mandates from a sheet.

    ``header`` is the sheet's first row, ``rows`` an iterable of (Excel row
    number, values). Every row is checked first (fields, natural keys resolved
    from an index loaded once, consistency between rows of the same person,
    clashes with the database); any bad row refuses the whole sheet with an
    ``ImportRefused`` naming each row and column, and nothing is written.
    Otherwise people and mandates are created or updated with bulk writes in
    batches, inside one transaction. Rows equal to the database change nothing.
    A person already in the roster (same ID number) whose name or other
    personal data the sheet changes is listed in ``report.person_changes``;
    those changes are written only with ``confirm_changes=True``, otherwise
    the whole sheet is refused naming each row (a dry run just lists them).
    ``actor=None`` is the operator at the command line.

    ``progress(phase, done, total)``, when given (a background job's), is
    called as the rows are checked (every ``progress_every`` rows, out of
    ``expected_rows`` when the sheet declares it) and after each written
    batch (out of the rows to write)."""
    with _gc_relaxed():
        return _import_deputies(header=header, rows=rows, actor=actor, dry_run=dry_run, file_name=file_name,
                                batch_size=batch_size, confirm_changes=confirm_changes,
                                progress=progress or _no_progress, progress_every=max(1, progress_every),
                                expected_rows=expected_rows)


def _no_progress(phase, done, total=None):
    pass


def _import_deputies(*, header, rows, actor, dry_run, file_name, batch_size, confirm_changes, progress,
                     progress_every, expected_rows):
    if actor is not None and not can_import_deputies(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以导入代表名册。"))
    report = ImportReport(dry_run=dry_run)
    clock = time.monotonic()
    layout, header_errors = header_layout(header)
    if header_errors:
        report.errors.extend(RowError(1, column, message) for column, message in header_errors)
        raise ImportRefused(report)

    cleaner = RowCleaner(ReferenceIndex(), layout)
    present = cleaner.present
    # Staff of a congress import their own congress's mandates only; a row of
    # another congress refuses the file, naming the row.
    acting = roles.acting_congress_ids(actor) if actor is not None else None
    acting = None if acting is None else set(acting)
    columns = [(index, key) for index, key in enumerate(layout) if key]
    clean_rows = []
    people = {}  # ID number -> (first row, person values)
    mandate_rows = {}  # (ID number, term) -> row
    card_rows = {}  # (term, card number) -> (row, ID number)

    # 1. Check every row, on its own and against the rows before it.
    checking = _("检查各行")
    progress(checking, 0, expected_rows)
    for row_number, raw in rows:
        width = len(raw)
        values = {key: raw[index] for index, key in columns if index < width}
        if all(_is_blank(v) for v in values.values()):
            continue
        report.rows += 1
        if report.rows % progress_every == 0:
            # A sheet that declares no size (or too small a one) gets no total: the page says how many so far.
            progress(checking, report.rows, expected_rows if (expected_rows or 0) >= report.rows else None)
        clean, errors = cleaner.clean(row_number, values)
        if clean is not None and acting is not None and clean.congress_id not in acting:
            errors.append(("congress_area_code", _("不是本级人大的代表资格：只能导入%(congress)s的代表。") % {
                "congress": roles.congress_of(actor)}))
        if clean is not None:
            first = people.get(clean.id_number)
            if first is None:
                people[clean.id_number] = (row_number, clean.person)
            elif first[1] != clean.person:
                for field_name, before, now in zip(PERSON_FIELDS, first[1], clean.person):
                    if before != now:
                        errors.append((field_name, _("与第%(row)d行（同一身份证号码）不一致。") % {"row": first[0]}))
            key = (clean.id_number, clean.term_id)
            if key in mandate_rows:
                errors.append(("term_number", _("与第%(row)d行重复：同一人在同一届只能有一个代表资格。") % {"row": mandate_rows[key]}))
            else:
                mandate_rows[key] = row_number
            card = clean.mandate[2]
            if card:
                other = card_rows.get((clean.term_id, card))
                if other is not None:
                    errors.append(("card_number", _("与第%(row)d行的代表证号重复。") % {"row": other[0]}))
                else:
                    card_rows[(clean.term_id, card)] = (row_number, clean.id_number)
        if errors:
            report.add_errors(row_number, errors, raw)
        else:
            clean_rows.append(clean)
    del mandate_rows
    progress(checking, report.rows, report.rows)
    report.timings["read and check rows"] = time.monotonic() - clock
    clock = time.monotonic()
    progress(_("与名册比对"), 0, None)

    if not report.rows and not report.errors:
        report.errors.append(RowError(2, "", _("文件中没有数据行。")))

    # 2. Compare with the database: what exists, what clashes.
    existing_people = {}
    for chunk in _chunks(people, LOOKUP_CHUNK):
        for row in Deputy.objects.filter(id_number__in=chunk).values_list("pk", "id_number", *PERSON_FIELDS):
            existing_people[row[1]] = row
    existing_mandates = {}
    for chunk in _chunks((row[0] for row in existing_people.values()), LOOKUP_CHUNK):
        for row in Mandate.objects.filter(deputy_id__in=chunk).values_list("pk", "deputy_id", "term_id", *MANDATE_FIELDS):
            existing_mandates[(row[1], row[2])] = row
    if card_rows:
        term_ids = {term_id for term_id, _card in card_rows}
        for chunk in _chunks({card for _term, card in card_rows}, LOOKUP_CHUNK):
            holders = Mandate.objects.filter(term_id__in=term_ids, card_number__in=chunk).values_list(
                "term_id", "card_number", "deputy__id_number"
            )
            for term_id, card, holder in holders:
                mine = card_rows.get((term_id, card))
                if mine is not None and mine[1] != holder:
                    report.add_errors(mine[0], [("card_number", _("代表证号已被其他代表使用。"))])
    del card_rows
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        raise ImportRefused(report)

    # 3. Work out the writes.
    person_fields = [f for f in PERSON_FIELDS if f in present or f == "birth_date"]
    person_index = [PERSON_FIELDS.index(f) for f in person_fields]
    mandate_fields = [f for f in MANDATE_FIELDS if MANDATE_FIELD_COLUMN[f] in present]
    mandate_index = [MANDATE_FIELDS.index(f) for f in mandate_fields]
    new_people, changed_people = [], {}
    for id_number, (first_row, person) in people.items():
        before = existing_people.get(id_number)
        if before is None:
            new_people.append((id_number, person))
        elif any(before[2 + i] != person[i] for i in person_index):
            changed_people[before[0]] = person
            for f, i in zip(person_fields, person_index):
                if before[2 + i] != person[i]:
                    report.person_changes.append(PersonChange(
                        row=first_row, id_number=id_number, name=before[2], column=str(COLUMN_BY_KEY[f].header),
                        before=_shown(f, before[2 + i]), after=_shown(f, person[i]),
                    ))
    report.person_changes.sort(key=lambda change: change.row)
    if report.person_changes and not confirm_changes and not dry_run:
        for change in report.person_changes:
            report.errors.append(RowError(change.row, change.column, _(
                "%(name)s（%(id)s）已登记为「%(before)s」，本表为「%(after)s」；请核对，确认修改后再导入。"
            ) % {"name": change.name, "id": change.id_number, "before": change.before, "after": change.after}))
        raise ImportRefused(report)
    report.deputies_created = len(new_people)
    report.deputies_updated = len(changed_people)
    report.deputies_unchanged = len(people) - len(new_people) - len(changed_people)
    pk_by_id_number = {id_number: row[0] for id_number, row in existing_people.items()}
    del existing_people

    new_mandate_rows, changed_mandates = [], {}
    for clean in clean_rows:
        deputy_pk = pk_by_id_number.get(clean.id_number)
        before = existing_mandates.get((deputy_pk, clean.term_id)) if deputy_pk else None
        if before is None:
            new_mandate_rows.append(clean)
        elif any(before[3 + i] != clean.mandate[i] for i in mandate_index):
            changed_mandates[before[0]] = clean.mandate
    report.mandates_created = len(new_mandate_rows)
    report.mandates_updated = len(changed_mandates)
    report.mandates_unchanged = len(clean_rows) - len(new_mandate_rows) - len(changed_mandates)
    del existing_mandates, clean_rows
    report.timings["compare with the database"] = time.monotonic() - clock
    clock = time.monotonic()
    if dry_run:
        return report

    # 4. Write, in batches, in one transaction.
    reason = _("表格导入")
    now = timezone.now()
    writing = _("写入名册")
    to_write = len(new_people) + len(changed_people) + len(new_mandate_rows) + len(changed_mandates)
    written = 0
    progress(writing, 0, to_write)
    try:
        with transaction.atomic():
            for batch in _chunks(new_people, batch_size):
                # A new person takes every value of the row (the cleaner's
                # defaults are the model's defaults for absent columns).
                objs = [
                    Deputy(id_number=id_number, created_at=now, updated_at=now, **dict(zip(PERSON_FIELDS, person)))
                    for id_number, person in batch
                ]
                # Creations are recorded by the DeputyImport row, not a history row each.
                Deputy.objects.bulk_create(objs, batch_size=batch_size)
                pk_by_id_number.update((obj.id_number, obj.pk) for obj in objs)
                written += len(objs)
                progress(writing, written, to_write)
            for chunk in _chunks(changed_people, batch_size):
                objs = list(Deputy.objects.filter(pk__in=chunk))
                for obj in objs:
                    person = changed_people[obj.pk]
                    for f, i in zip(person_fields, person_index):
                        setattr(obj, f, person[i])
                    obj.updated_at = now
                bulk_update_with_history(
                    objs, Deputy, person_fields + ["updated_at"], batch_size=batch_size,
                    default_user=actor, default_change_reason=reason, default_date=now,
                )
                written += len(objs)
                progress(writing, written, to_write)
            for batch in _chunks(new_mandate_rows, batch_size):
                objs = [
                    Mandate(
                        deputy_id=pk_by_id_number[clean.id_number], congress_id=clean.congress_id,
                        term_id=clean.term_id, level=clean.level, **dict(zip(MANDATE_FIELDS, clean.mandate)),
                    )
                    for clean in batch
                ]
                Mandate.objects.bulk_create(objs, batch_size=batch_size)
                written += len(objs)
                progress(writing, written, to_write)
            for chunk in _chunks(changed_mandates, batch_size):
                objs = list(Mandate.objects.filter(pk__in=chunk))
                for obj in objs:
                    values = changed_mandates[obj.pk]
                    for f, i in zip(mandate_fields, mandate_index):
                        setattr(obj, f, values[i])
                bulk_update_with_history(
                    objs, Mandate, mandate_fields, batch_size=batch_size,
                    default_user=actor, default_change_reason=reason, default_date=now,
                )
                written += len(objs)
                progress(writing, written, to_write)
            if report.deputies_created or report.deputies_updated or report.mandates_created or report.mandates_updated:
                DeputyImport.objects.create(
                    actor=actor, file_name=file_name[:255], rows=report.rows,
                    deputies_created=report.deputies_created, deputies_updated=report.deputies_updated,
                    mandates_created=report.mandates_created, mandates_updated=report.mandates_updated,
                )
    except IntegrityError as exc:
        # Another import or an edit got there first (same ID number or card number).
        raise ValidationError(_("导入期间代表名册被同时修改，请重新导入。"), code="conflict") from exc
    report.timings["write"] = time.monotonic() - clock
    return report


# ---------------------------------------------------------------------------
# Staff edits (API and pages)


def _require_manager(actor):
    if not can_manage_deputies(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以维护代表信息。"))


def _save(obj, fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    try:
        obj.save()
    except IntegrityError as exc:
        raise ValidationError(_("数据已被同时修改，请刷新后重试。"), code="conflict") from exc
    return obj


@transaction.atomic
def save_deputy(*, actor, deputy=None, **fields):
    _require_manager(actor)
    return _save(deputy or Deputy(), fields)


@transaction.atomic
def save_mandate(*, actor, mandate=None, **fields):
    _require_manager(actor)
    mandate = mandate or Mandate()
    congress = fields.get("congress")
    # Staff write their own congress's mandates (they read those below too).
    for congress_id in {mandate.congress_id, congress.pk if congress is not None else None} - {None}:
        if not roles.acts_on(actor, congress_id):
            raise PermissionDenied(_("只能登记和修改本级人大的代表资格。"))
    if congress is not None:
        fields["level"] = congress.level
    return _save(mandate, fields)


@transaction.atomic
def save_deputy_group(*, actor, group=None, members=None, **fields):
    _require_manager(actor)
    group = _save(group or DeputyGroup(), fields)
    if members is not None:
        members = list(members)
        if group.leader_id and group.leader_id not in {m.pk for m in members}:
            members.append(group.leader)
        group.memberships.exclude(deputy__in=members).delete()
        have = set(group.memberships.values_list("deputy_id", flat=True))
        DeputyGroupMembership.objects.bulk_create(
            [DeputyGroupMembership(group=group, deputy=m, joined_on=timezone.localdate()) for m in members if m.pk not in have]
        )
    return group


@transaction.atomic
def save_handling_unit(*, actor, unit=None, **fields):
    _require_manager(actor)
    return _save(unit or HandlingUnit(), fields)


@transaction.atomic
def save_unit_contact(*, actor, contact=None, **fields):
    _require_manager(actor)
    return _save(contact or UnitContact(), fields)


def delete_record(*, actor, obj):
    """Delete a deputy, mandate, group, unit or contact; refused while other
    records (suggestions, stations...) still point at it."""
    _require_manager(actor)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise ValidationError(_("该记录仍被其他数据引用，不能删除。"), code="conflict") from exc

"""The deputies sheet: its columns, how a header is laid out and how a cell is
read and checked (one row per mandate, the person's columns repeated). Used by
the import service (``deputies.services.import_deputies``) and by the
import-export resources (``deputies.resources``)."""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from congress_portal.spreadsheets import FORMULA_CHARS, unescape_formula

from .models import (
    Deputy,
    Gender,
    Level,
    Mandate,
    MandateStatus,
    Occupation,
    Party,
)
from .validators import birth_date_from_id_number, validate_id_number, validate_mobile

# ---------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str
    source_header: str  # the Simplified Chinese header (the gettext source)
    required: bool = False  # the column must be in the sheet
    person: bool = False  # a field of the person, repeated on each of their rows

    @property
    def header(self):
        return _(self.source_header)


COLUMNS = (
    Column("id_number", N_("身份证号码"), required=True, person=True),
    Column("name", N_("姓名"), required=True, person=True),
    Column("gender", N_("性别"), required=True, person=True),
    Column("ethnicity", N_("民族"), person=True),
    Column("birth_date", N_("出生日期"), person=True),
    Column("party", N_("党派"), person=True),
    Column("occupation", N_("职业类别"), person=True),
    Column("work_unit", N_("工作单位"), person=True),
    Column("title", N_("职务"), person=True),
    Column("phone", N_("手机号码"), person=True),
    Column("congress_area_code", N_("人大区划代码"), required=True),
    Column("level", N_("层级"), required=True),
    Column("congress_name", N_("人民代表大会")),
    Column("term_number", N_("届次"), required=True),
    Column("electoral_unit", N_("选举单位/选区")),
    Column("delegation", N_("代表团")),
    Column("card_number", N_("代表证号")),
    Column("status", N_("状态")),
    Column("start_date", N_("任期开始")),
    Column("end_date", N_("任期结束")),
    Column("first_term", N_("首次当选")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Person fields stored on Deputy, in the order the importer compares them.
PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "party", "occupation", "work_unit", "title", "phone")
MANDATE_FIELDS = ("electoral_unit_id", "delegation_id", "card_number", "status", "start_date", "end_date", "first_term")
# Which column a mandate field comes from (for error messages and partial sheets).
MANDATE_FIELD_COLUMN = {
    "electoral_unit_id": "electoral_unit",
    "delegation_id": "delegation",
    "card_number": "card_number",
    "status": "status",
    "start_date": "start_date",
    "end_date": "end_date",
    "first_term": "first_term",
}


def header_layout(header):
    """Map the sheet's header row to column keys.

    Returns ``(layout, errors)``: layout is a list (one entry per sheet column)
    of keys or None for empty header cells; errors are (column header, message)
    pairs for unknown, repeated or missing columns. Headers are accepted in the
    active language or in the Chinese source."""
    by_header = {}
    for column in COLUMNS:
        by_header[column.source_header] = column.key
        by_header[column.header] = column.key
    layout, errors, seen = [], [], set()
    for cell in header:
        text = unescape_formula(str(cell).strip()) if cell is not None else ""
        if not text:
            layout.append(None)
            continue
        key = by_header.get(text)
        if key is None:
            errors.append((text, _("无法识别的列。")))
        elif key in seen:
            errors.append((text, _("列重复。")))
            key = None
        else:
            seen.add(key)
        layout.append(key)
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.append((column.header, _("缺少必填列。")))
    return layout, errors


# ---------------------------------------------------------------------------
# Cells: formula escaping, masking, parsing

def _choice_map(choices, extra=None):
    """Label (source and translated) or stored value -> stored value."""
    mapping = {}
    for value, label in choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
        source = getattr(label, "_proxy____args", None)
        if source:
            mapping[source[0]] = value
    mapping.update(extra or {})
    return mapping


def _choice_maps():
    # Built per import (labels depend on the active language).
    return {
        "gender": _choice_map(Gender.choices),
        "party": _choice_map(Party.choices, {"中国共产党": Party.CPC, "中共党员": Party.CPC, "群众": Party.NONE}),
        "occupation": _choice_map(Occupation.choices),
        "status": _choice_map(MandateStatus.choices),
        "level": _choice_map(
            Level.choices,
            {
                "国家": Level.NATIONAL, "省级": Level.PROVINCIAL, "市": Level.PREFECTURE, "设区的市": Level.PREFECTURE,
                "自治州": Level.PREFECTURE, "市级": Level.PREFECTURE, "县": Level.COUNTY, "县级": Level.COUNTY,
                "区": Level.COUNTY, "乡": Level.TOWNSHIP, "镇": Level.TOWNSHIP, "乡镇": Level.TOWNSHIP, "乡级": Level.TOWNSHIP,
            },
        ),
    }


YES = {"是", "true", "True", "TRUE", "1", "Y", "y", "yes", "Yes"}
NO = {"否", "false", "False", "FALSE", "0", "N", "n", "no", "No"}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_text(raw):
    """A cell as text: None -> "", whole floats (Excel's numbers) -> digits."""
    if type(raw) is str:  # the common case first: this runs for every cell
        raw = raw.strip()
        if raw[:1] == "'" and len(raw) > 1 and raw[1] in FORMULA_CHARS:
            return raw[1:]
        return raw
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, (datetime.datetime, datetime.date)):
        return raw.strftime("%Y-%m-%d")
    return unescape_formula(str(raw).strip())


def parse_date(raw):
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    match = _DATE_RE.match(cell_text(raw))
    if match:
        try:
            return datetime.date(*map(int, match.groups()))
        except ValueError:
            pass
    raise ValidationError(_("日期格式应为 YYYY-MM-DD。"))


def _text(raw, max_length):
    value = cell_text(raw)
    if len(value) > max_length:
        raise ValidationError(_("不能超过%(n)d个字符。") % {"n": max_length})
    return value


@dataclass(slots=True)
class CleanRow:
    """One checked row: the person's values, and the mandate resolved to ids."""

    row_number: int
    id_number: str
    person: tuple  # values of PERSON_FIELDS
    congress_id: int
    level: str
    term_id: int
    mandate: tuple  # values of MANDATE_FIELDS


class RowCleaner:
    """Checks one row at a time against the columns and the reference data.

    ``refs`` resolves natural keys (congress by area code and level, term by
    number, electoral unit and delegation by name): the bulk importer passes an
    index loaded once, the row-by-row resource one that queries per row, so both
    apply exactly the same checks."""

    def __init__(self, refs, layout):
        self.refs = refs
        self.present = {key for key in layout if key}
        self.maps = _choice_maps()
        self.max_lengths = {f: Deputy._meta.get_field(f).max_length for f in ("name", "ethnicity", "work_unit", "title")}
        self.card_max_length = Mandate._meta.get_field("card_number").max_length

    def _choice(self, kind, raw, default):
        text = cell_text(raw)
        if not text:
            if default is None:
                raise ValidationError(_("必填。"))
            return default
        try:
            return self.maps[kind][text]
        except KeyError:
            raise ValidationError(_("“%(value)s”不是有效的选项。") % {"value": text}) from None

    def clean(self, row_number, values):
        """``values``: dict column key -> raw cell. Returns ``(CleanRow or None,
        errors)`` where errors are (column key, message) pairs."""
        errors = []

        def check(key, func, *args):
            try:
                return func(*args)
            except ValidationError as exc:
                errors.extend((key, message) for message in exc.messages)
                return None

        get = values.get
        id_number = cell_text(get("id_number")).upper()
        if not id_number:
            errors.append(("id_number", _("必填。")))
        else:
            check("id_number", validate_id_number, id_number)
        name = check("name", _text, get("name"), self.max_lengths["name"])
        if name == "":
            errors.append(("name", _("必填。")))
        gender = check("gender", self._choice, "gender", get("gender"), None)
        ethnicity = check("ethnicity", _text, get("ethnicity"), self.max_lengths["ethnicity"]) or "汉族"
        birth_date = check("birth_date", parse_date, get("birth_date"))
        id_birth = birth_date_from_id_number(id_number) if len(id_number) == 18 else None
        if birth_date and id_birth and birth_date != id_birth:
            errors.append(("birth_date", _("出生日期与身份证号码不一致。")))
        birth_date = birth_date or id_birth
        party = check("party", self._choice, "party", get("party"), Party.NONE)
        occupation = check("occupation", self._choice, "occupation", get("occupation"), Occupation.OTHER)
        work_unit = check("work_unit", _text, get("work_unit"), self.max_lengths["work_unit"])
        title = check("title", _text, get("title"), self.max_lengths["title"])
        phone = cell_text(get("phone"))
        if phone:
            check("phone", validate_mobile, phone)

        congress = term = None
        level = check("level", self._choice, "level", get("level"), None)
        area_code = cell_text(get("congress_area_code"))
        if not area_code:
            errors.append(("congress_area_code", _("必填。")))
        elif level:
            congress = self.refs.congress(area_code, level)
            if congress is None:
                errors.append(("congress_area_code", _("区划代码%(code)s没有该层级的人民代表大会。") % {"code": area_code}))
        congress_name = cell_text(get("congress_name"))
        if congress and congress_name and congress_name != congress[1]:
            errors.append(("congress_name", _("与区划代码对应的人民代表大会“%(name)s”不一致。") % {"name": congress[1]}))
        term_text = cell_text(get("term_number"))
        if not term_text:
            errors.append(("term_number", _("必填。")))
        elif not term_text.isdigit():
            errors.append(("term_number", _("届次应为数字。")))
        elif congress:
            term = self.refs.term(congress[0], int(term_text))
            if term is None:
                errors.append(("term_number", _("该人民代表大会没有第%(n)s届。") % {"n": term_text}))

        electoral_unit_id = delegation_id = None
        eu_name = cell_text(get("electoral_unit"))
        if eu_name and congress:
            electoral_unit_id = self.refs.electoral_unit(congress[0], eu_name)
            if electoral_unit_id is None:
                errors.append(("electoral_unit", _("该人民代表大会没有名为“%(name)s”的选举单位或选区。") % {"name": eu_name}))
        delegation_name = cell_text(get("delegation"))
        if delegation_name and term:
            delegation_id = self.refs.delegation(term[0], delegation_name)
            if delegation_id is None:
                errors.append(("delegation", _("该届没有名为“%(name)s”的代表团。") % {"name": delegation_name}))
        card_number = check("card_number", _text, get("card_number"), self.card_max_length)
        status = check("status", self._choice, "status", get("status"), MandateStatus.SERVING)
        start_date = check("start_date", parse_date, get("start_date"))
        if start_date is None and term:
            start_date = term[1]
        end_date = check("end_date", parse_date, get("end_date"))
        if start_date and end_date and end_date < start_date:
            errors.append(("end_date", _("任期结束日期早于开始日期。")))
        first_text = cell_text(get("first_term"))
        first_term = True
        if first_text in NO:
            first_term = False
        elif first_text and first_text not in YES:
            errors.append(("first_term", _("请填写“是”或“否”。")))

        if errors:
            return None, errors
        return (
            CleanRow(
                row_number=row_number,
                id_number=id_number,
                person=(name, gender, ethnicity, birth_date, party, occupation, work_unit, title, phone),
                congress_id=congress[0],
                level=level,
                term_id=term[0],
                mandate=(electoral_unit_id, delegation_id, card_number, status, start_date, end_date, first_term),
            ),
            errors,
        )

"""The one guarded reader of uploaded Excel (xlsx) files, used by every import
(the deputies roster through the command, the admin and the service; the paper
suggestions of a plenary).

An xlsx is a zip of XML parts, so a small upload can unpack into gigabytes
(a "zip bomb") or declare a million rows. Before anything is parsed the file's
size, its first bytes and the zip's declared member sizes are checked against
limits; then the one non-empty worksheet is streamed (openpyxl read-only, one
row at a time), refusing a row past the row limit as soon as it is met.
Every refusal is a ``SpreadsheetRefused`` (a ValidationError) whose messages
are in Chinese and name the row and column; no library exception escapes.

Limits are settings, with defaults sized for a province's roster (140,000
deputies is 147,000 rows, an 18 MB file that unpacks to 167 MB):

- ``PORTAL_IMPORT_MAX_BYTES``: the file itself (default 50 MB);
- ``PORTAL_IMPORT_MAX_UNPACKED_BYTES``: the zip members' declared sizes summed
  (default 400 MB). Python's zipfile never inflates a member past its declared
  size (it stops and fails the CRC), so the declared sum bounds the work;
- ``PORTAL_IMPORT_MAX_SHARED_STRINGS_BYTES``: the shared-strings part, which
  openpyxl holds in memory whole (default 100 MB);
- ``PORTAL_IMPORT_MAX_RATIO``: unpacked / packed size (default 100; ordinary
  workbooks are 5 to 20);
- ``PORTAL_IMPORT_MAX_ROWS``: data rows below the header (default 200,000).

Cells that hold a formula are refused (the importer wants the values the
officer sees, and a formula written by another program has no stored value),
as is content in a column without a title. These are listed together, row by
row, when the end of the sheet is reached: the callers check every row before
they write anything, so the refusal still comes before any write.
"""
import io
import os
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .spreadsheets import unescape_formula

DEFAULT_LIMITS = {
    "max_bytes": 50 * 2**20,
    "max_unpacked_bytes": 400 * 2**20,
    "max_shared_strings_bytes": 100 * 2**20,
    "max_ratio": 100,
    "max_rows": 200_000,
}
SETTING_NAMES = {
    "max_bytes": "PORTAL_IMPORT_MAX_BYTES",
    "max_unpacked_bytes": "PORTAL_IMPORT_MAX_UNPACKED_BYTES",
    "max_shared_strings_bytes": "PORTAL_IMPORT_MAX_SHARED_STRINGS_BYTES",
    "max_ratio": "PORTAL_IMPORT_MAX_RATIO",
    "max_rows": "PORTAL_IMPORT_MAX_ROWS",
}
# Below this unpacked size the ratio is not judged (a tiny workbook of styles
# compresses very well and harms nobody).
RATIO_FLOOR = 2**20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
# How many cell problems (formulas, untitled columns) a refusal lists.
PROBLEMS_SHOWN = 100


def limits():
    return {key: getattr(settings, name, DEFAULT_LIMITS[key]) for key, name in SETTING_NAMES.items()}


class SpreadsheetRefused(ValidationError):
    """The file is refused whole, before anything is written."""


def _megabytes(size):
    return f"{size / 2**20:.1f} MB"


def column_letter(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _open_source(source):
    """A seekable binary file for a path, bytes or an (uploaded) file, and
    whether we opened it (and so must close it)."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source), True
    if isinstance(source, (str, os.PathLike)):
        try:
            return open(source, "rb"), True
        except OSError as exc:
            raise SpreadsheetRefused(_("无法打开文件：%(error)s") % {"error": exc.strerror or exc}) from None
    if hasattr(source, "seek"):
        source.seek(0)
    return source, False


def _check_container(handle, lim):
    """Size, first bytes and the zip's declared sizes; nothing is inflated."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    if size == 0:
        raise SpreadsheetRefused(_("文件是空的。"))
    if size > lim["max_bytes"]:
        raise SpreadsheetRefused(
            _("文件大小%(size)s超过上限%(limit)s，请拆分后分批导入。")
            % {"size": _megabytes(size), "limit": _megabytes(lim["max_bytes"])}
        )
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(OLE_MAGIC):
        raise SpreadsheetRefused(_("这是旧版 .xls 文件或设置了密码的 Excel 文件，请在 Excel 中另存为不加密的 .xlsx 文件后再导入。"))
    if not head.startswith(ZIP_MAGIC):
        raise SpreadsheetRefused(_("该文件不是 .xlsx 格式的 Excel 文件（CSV、文本等文件请先在 Excel 中另存为 .xlsx）。"))
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetRefused(_("文件已损坏，无法作为 .xlsx 文件读取。")) from None
    handle.seek(0)
    unpacked = sum(member.file_size for member in members)
    if unpacked > lim["max_unpacked_bytes"]:
        raise SpreadsheetRefused(
            _("文件解压后为%(size)s，超过上限%(limit)s，未读取。")
            % {"size": _megabytes(unpacked), "limit": _megabytes(lim["max_unpacked_bytes"])}
        )
    if unpacked > RATIO_FLOOR and unpacked > size * lim["max_ratio"]:
        raise SpreadsheetRefused(
            _("文件解压后是压缩时的%(ratio)d倍，超过上限%(limit)d倍（可能是恶意构造的文件），未读取。")
            % {"ratio": unpacked // size, "limit": lim["max_ratio"]}
        )
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > lim["max_shared_strings_bytes"]:
            raise SpreadsheetRefused(
                _("文件中的文字部分解压后为%(size)s，超过上限%(limit)s，未读取。")
                % {"size": _megabytes(member.file_size), "limit": _megabytes(lim["max_shared_strings_bytes"])}
            )


def _row_parser(workbook, worksheet):
    """(Excel row number, [cell dicts]) of a read-only worksheet, only the
    cells present in the file. openpyxl's own read-only rows pad every row to
    the sheet's declared width (a file may declare 16,384 columns); this is
    the parser those rows are built from (openpyxl 3.1, pinned), read with
    data_only=False so that a formula cell says it is one."""
    from openpyxl.worksheet._reader import WorkSheetParser

    source = worksheet._get_source()
    parser = WorkSheetParser(
        source, worksheet._shared_strings, data_only=False, epoch=workbook.epoch,
        date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
    )
    try:
        yield from parser.parse()
    finally:
        source.close()


def _first_content(rows):
    for number, cells in rows:
        if any(not _is_blank(cell["value"]) for cell in cells):
            return number, cells
    return None


@dataclass
class Sheet:
    """The one non-empty worksheet: its title, header (texts, trailing empty
    titles dropped), the header's row number and its data rows as
    ``(Excel row number, values)`` with one value per header column; blank
    rows are left out."""

    title: str
    header: list
    header_row: int
    _rows: object = field(repr=False)
    _close: object = field(repr=False)
    # The last row the sheet declares (its <dimension>), None when it declares
    # none (files written by a streaming writer): an estimate for progress bars.
    declared_last_row: int | None = None

    @property
    def declared_rows(self):
        if not self.declared_last_row or self.declared_last_row <= self.header_row:
            return None
        return self.declared_last_row - self.header_row

    @property
    def rows(self):
        return self._rows

    def close(self):
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_sheet(source, *, max_rows=None):
    """Check ``source`` (a path, bytes or file) and open its one non-empty
    worksheet. Raises SpreadsheetRefused. Iterate ``sheet.rows`` to the end
    (or close the sheet)."""
    from openpyxl import load_workbook

    lim = limits()
    if max_rows is not None:
        lim["max_rows"] = max_rows
    handle, opened = _open_source(source)
    workbook = None

    def close():
        if workbook is not None:
            workbook.close()
        if opened:
            handle.close()

    try:
        _check_container(handle, lim)
        try:
            workbook = load_workbook(handle, read_only=True, data_only=False)
            found = []
            for worksheet in workbook.worksheets:
                rows = _row_parser(workbook, worksheet)
                first = _first_content(rows)
                if first is None:
                    rows.close()
                else:
                    found.append((worksheet.title, rows, first, _declared_last_row(worksheet)))
        except SpreadsheetRefused:
            raise
        except Exception:  # noqa: BLE001 - whatever the library says, the officer gets one clear answer
            raise SpreadsheetRefused(_("文件已损坏或不是 Excel 工作簿，无法读取。")) from None
        if not found:
            raise SpreadsheetRefused(_("文件中没有数据。"))
        if len(found) > 1:
            for _title, rows, _first, _last in found:
                rows.close()
            raise SpreadsheetRefused(
                _("工作簿中有%(n)d个工作表有内容（%(names)s）；请把要导入的数据放在一个工作表中，删除其他工作表后再导入。")
                % {"n": len(found), "names": "、".join(f"「{title}」" for title, _rows, _first, _last in found)}
            )
        title, rows, (header_row, header_cells), last_row = found[0]
        header = _header(header_row, header_cells)
    except BaseException:
        close()
        raise
    return Sheet(title=title, header=header, header_row=header_row,
                 _rows=_data_rows(rows, header, header_row, lim["max_rows"], close), _close=close,
                 declared_last_row=last_row)


def _declared_last_row(worksheet):
    try:
        last = worksheet.max_row
    except Exception:  # noqa: BLE001 - an odd <dimension> only costs the estimate
        return None
    return last if isinstance(last, int) and last > 0 else None


def _header(row_number, cells):
    texts = {}
    for cell in cells:
        if _is_blank(cell["value"]):
            continue
        if cell["data_type"] == "f":
            raise SpreadsheetRefused(
                _("第%(row)d行%(col)s列的列名是公式，请改为文字后再导入。") % {"row": row_number, "col": column_letter(cell["column"])}
            )
        texts[cell["column"]] = unescape_formula(str(cell["value"]).strip())
    width = max(texts, default=0)
    return [texts.get(column, "") for column in range(1, width + 1)]


def _data_rows(rows, header, header_row, max_rows, close):
    width = len(header)
    last_allowed = header_row + max_rows
    problems = []
    number = header_row
    try:
        try:
            for number, cells in rows:
                values = [None] * width
                content = False
                for cell in cells:
                    value = cell["value"]
                    if _is_blank(value):
                        continue
                    content = True
                    column = cell["column"]
                    title = header[column - 1] if column <= width else ""
                    if not title:
                        problems.append(
                            _("第%(row)d行%(col)s列有内容，但该列没有列名。") % {"row": number, "col": column_letter(column)}
                        )
                    elif cell["data_type"] == "f":
                        problems.append(
                            _("第%(row)d行「%(column)s」是公式，请复制该列后“选择性粘贴为数值”再导入。") % {"row": number, "column": title}
                        )
                    elif cell["data_type"] == "e":
                        problems.append(
                            _("第%(row)d行「%(column)s」是错误值%(value)s。") % {"row": number, "column": title, "value": value}
                        )
                    else:
                        values[column - 1] = value
                if not content:
                    continue
                if number > last_allowed:
                    raise SpreadsheetRefused(
                        _("表格超过%(limit)d行数据的上限（第%(row)d行已超出），未读取其余内容；请拆分后分批导入。")
                        % {"limit": max_rows, "row": number}
                    )
                yield number, tuple(values)
        except SpreadsheetRefused:
            raise
        except Exception:  # noqa: BLE001 - a damaged part of the zip or XML
            raise SpreadsheetRefused(_("第%(row)d行之后的内容已损坏，无法读取。") % {"row": number}) from None
        if problems:
            shown = problems[:PROBLEMS_SHOWN]
            if len(problems) > PROBLEMS_SHOWN:
                shown.append(_("……另有%(n)d处未列出。") % {"n": len(problems) - PROBLEMS_SHOWN})
            raise SpreadsheetRefused(shown, code="cells")
    finally:
        rows.close()
        close()

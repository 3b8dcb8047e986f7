"""Excel attachments of the progress and results notices, built with openpyxl
from the snapshot stored in the notification's context:

    {"sheet": "...", "figures": [[label, value], ...],
     "columns": [...], "rows": [[...], ...]}

Built on demand (email send, inbox download) from the snapshot, so the file is
the same every time and nothing piles up on disk."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def build_workbook(*, title, figures=(), columns=(), rows=()):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet")[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    def header(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        return cells

    widths = [max(len(str(c)) for c in [column, *[r[i] for r in rows[:200] if i < len(r)]]) for i, column in enumerate(columns)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width * 2))
    sheet.append(header([title]))
    for label, value in figures:
        sheet.append([label, value])
    if figures:
        sheet.append([])
    if columns:
        sheet.append(header(columns))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_for(notification):
    """(filename, bytes) of a notice's attachment."""
    context = notification.context or {}
    title = context.get("sheet") or notification.subject
    content = build_workbook(
        title=title,
        figures=context.get("figures", []),
        columns=context.get("columns", []),
        rows=context.get("rows", []),
    )
    filename = context.get("filename") or f"{title}.xlsx"
    return filename, content

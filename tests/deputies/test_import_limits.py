"""The guarded xlsx reader (congress_portal.xlsx_reader) on the deputies roster:
size, zip-bomb and row limits, one sheet, formulas, files that are not xlsx,
every refusal in Chinese naming row and column, never a traceback; and changes
to a person already in the roster listed and applied only when confirmed."""
import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from congress_portal.xlsx_reader import SpreadsheetRefused, open_sheet
from deputies.models import Deputy
from deputies.resources import read_xlsx
from deputies.services import ImportRefused, import_deputies
from tests.deputies import factories as f
from tests.deputies.conftest import HEADER, make_id, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def refusal(source, **kwargs):
    with pytest.raises(SpreadsheetRefused) as info:
        header, rows = read_xlsx(source)
        import_deputies(header=header, rows=rows, **kwargs)
    return " ".join(info.value.messages)


def with_member(data, name, content):
    """``data`` (an xlsx) with the zip member ``name`` replaced (or added) by ``content``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item.filename, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def bomb(unpacked_mib):
    """A roster whose sheet XML is padded with whitespace to ``unpacked_mib``
    MiB: it deflates to a few KB."""
    good = xlsx_bytes([row()])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (unpacked_mib * 2**20), 1)
    return with_member(good, "xl/worksheets/sheet1.xml", padded)


def test_a_zip_bomb_is_refused_before_parsing(province, monkeypatch):
    data = bomb(40)
    assert len(data) < 200_000
    # Nothing is parsed: the workbook is never opened by openpyxl.
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed a zip bomb"))
    message = refusal(data)
    assert "解压后是压缩时的" in message and "倍" in message
    with override_settings(PORTAL_IMPORT_MAX_RATIO=10_000, PORTAL_IMPORT_MAX_UNPACKED_BYTES=10 * 2**20):
        assert "文件解压后为40.0 MB，超过上限10.0 MB" in refusal(data)
    assert not Deputy.objects.exists()


@override_settings(PORTAL_IMPORT_MAX_SHARED_STRINGS_BYTES=2**20, PORTAL_IMPORT_MAX_RATIO=10_000)
def test_oversized_shared_strings_are_refused(province):
    good = xlsx_bytes([row()])
    strings = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
        + b"<si><t>x</t></si>" * 100_000 + b"</sst>"
    data = with_member(good, "xl/sharedStrings.xml", strings)
    assert "文字部分解压后为1.6 MB，超过上限1.0 MB" in refusal(data)


def test_a_file_over_the_size_limit_is_refused(province):
    data = xlsx_bytes([row(id_number=make_id(serial=n)) for n in range(1, 4)])
    with override_settings(PORTAL_IMPORT_MAX_BYTES=len(data) - 1):
        assert "超过上限" in refusal(data)
    with override_settings(PORTAL_IMPORT_MAX_BYTES=len(data)):
        header, rows = read_xlsx(data)
        assert import_deputies(header=header, rows=rows).deputies_created == 3


@override_settings(PORTAL_IMPORT_MAX_ROWS=3)
def test_rows_past_the_limit_are_refused_where_they_start(province):
    rows = [row(id_number=make_id(serial=n)) for n in range(1, 7)]
    message = refusal(xlsx_bytes(rows))
    assert "表格超过3行数据的上限（第5行已超出）" in message
    assert not Deputy.objects.exists()
    # Blank rows below the data do not count; three data rows pass.
    header, rows3 = read_xlsx(xlsx_bytes(rows[:3] + [[None] * len(HEADER)] * 5))
    assert import_deputies(header=header, rows=rows3).deputies_created == 3


def test_the_row_limit_stops_reading(province):
    # Refused at the first row past the limit; the rows after it are never
    # read (the reader is a generator that stops there).
    sheet = open_sheet(xlsx_bytes([row(id_number=make_id(serial=n)) for n in range(1, 50)]), max_rows=10)
    seen = []
    with pytest.raises(SpreadsheetRefused, match="第12行已超出"):
        for number, _values in sheet.rows:
            seen.append(number)
    assert seen == list(range(2, 12))


def two_sheets(second_rows):
    workbook = Workbook()
    first = workbook.active
    first.title = "省人大代表"
    first.append(HEADER)
    first.append(row(id_number=make_id(serial=1)))
    second = workbook.create_sheet("县人大代表")
    for values in second_rows:
        second.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_second_sheet_with_content_is_refused_naming_the_sheets(province):
    message = refusal(two_sheets([HEADER, row(id_number=make_id(serial=2))]))
    assert "2个工作表有内容（「省人大代表」、「县人大代表」）" in message
    assert not Deputy.objects.exists()
    # An empty second sheet is no reason to refuse.
    header, rows = read_xlsx(two_sheets([]))
    assert import_deputies(header=header, rows=rows).deputies_created == 1


def test_the_one_sheet_with_content_is_read_even_when_not_the_first(province):
    workbook = Workbook()
    workbook.active.title = "说明"
    data_sheet = workbook.create_sheet("名册")
    data_sheet.append(HEADER)
    data_sheet.append(row())
    out = io.BytesIO()
    workbook.save(out)
    header, rows = read_xlsx(out.getvalue())
    assert import_deputies(header=header, rows=rows).deputies_created == 1


def test_a_formula_cell_is_named_as_a_formula_not_as_missing(province):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(id_number=make_id(serial=1)))
    values = row(id_number=make_id(serial=2))
    values[HEADER.index("姓名")] = '=CONCATENATE("张","三")'
    sheet.append(values)
    values = row(id_number=make_id(serial=3))
    values.append("备注文字")  # content under no title
    sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    message = refusal(out.getvalue())
    assert "第3行「姓名」是公式，请复制该列后“选择性粘贴为数值”再导入。" in message
    assert "第4行V列有内容，但该列没有列名。" in message
    assert "必填" not in message
    assert not Deputy.objects.exists()


def test_a_formula_like_text_cell_is_text(province):
    # Text that only looks like a formula (typed with a leading apostrophe) is data.
    data = xlsx_bytes([row(name="'=张三")])
    header, rows = read_xlsx(data)
    import_deputies(header=header, rows=rows)
    assert Deputy.objects.get().name == "=张三"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "文件是空的。"),
        ("身份证号码,姓名\n430104197506010011,张三\n".encode(), "不是 .xlsx 格式的 Excel 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 .xls 文件或设置了密码"),
        (b"PK\x03\x04" + b"\0" * 100, "文件已损坏"),
        (None, "文件中没有数据。"),
    ],
    ids=["empty", "csv", "xls", "broken-zip", "empty-workbook"],
)
def test_the_command_refuses_what_is_not_a_roster_with_a_message(province, tmp_path, content, expected):
    path = tmp_path / "roster.xlsx"
    if content is None:
        Workbook().save(path)
    else:
        path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_deputies", str(path), stderr=err)
    assert expected in err.getvalue()


def test_the_command_exits_1_without_a_traceback(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("身份证号码,姓名\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress_portal.settings.test", "LANGUAGE": "zh_Hans"}
    done = subprocess.run([sys.executable, "manage.py", "import_deputies", str(path)], cwd=settings.BASE_DIR,
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "不是 .xlsx 格式" in done.stderr


def test_a_renamed_person_is_listed_and_applied_only_when_confirmed(province):
    person = make_id(serial=11)
    header, rows = read_xlsx(xlsx_bytes([row(id_number=person, name="张湘云")]))
    import_deputies(header=header, rows=rows)
    renamed = xlsx_bytes([row(id_number=make_id(serial=12)), row(id_number=person, name="李四", work_unit="湘雅二医院")])

    header, rows = read_xlsx(renamed)
    preview = import_deputies(header=header, rows=rows, dry_run=True)
    assert [(c.row, c.column, c.before, c.after) for c in preview.person_changes] == [
        (3, "姓名", "张湘云", "李四"), (3, "工作单位", "中南大学湘雅医院", "湘雅二医院")]

    header, rows = read_xlsx(renamed)
    with pytest.raises(ImportRefused) as info:
        import_deputies(header=header, rows=rows)
    errors = {(e.row, e.column): e.message for e in info.value.report.errors}
    assert set(errors) == {(3, "姓名"), (3, "工作单位")}
    assert "已登记为「张湘云」，本表为「李四」" in errors[(3, "姓名")]
    # The whole file is refused: not even the new person of row 2 is written.
    assert list(Deputy.objects.values_list("name", flat=True)) == ["张湘云"]

    header, rows = read_xlsx(renamed)
    report = import_deputies(header=header, rows=rows, confirm_changes=True)
    assert (report.deputies_created, report.deputies_updated) == (1, 1)
    assert Deputy.objects.get(id_number=person).name == "李四"


def test_the_command_needs_confirm_changes_for_a_rename(province, tmp_path):
    person = make_id(serial=21)
    f.DeputyFactory(id_number=person, name="王五", gender="male")
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([row(id_number=person, name="王六", gender="男")]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_deputies", str(path), "--dry-run", stdout=out)
    assert "第2行「姓名」：王五（" in out.getvalue() and "由「王五」改为「王六」" in out.getvalue()
    with pytest.raises(CommandError, match="--confirm-changes"):
        call_command("import_deputies", str(path), stderr=err)
    assert "第2行「姓名」" in err.getvalue()
    assert Deputy.objects.get(id_number=person).name == "王五"
    call_command("import_deputies", str(path), "--confirm-changes", stdout=out)
    assert Deputy.objects.get(id_number=person).name == "王六"


def upload(data, name="roster.xlsx"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_admin_import_refuses_bad_files_in_chinese(province, client):
    client.force_login(f.staff_user(is_staff=True, is_superuser=True))
    url = "/admin/deputies/deputy/import/"
    for data, expected in (
        ("身份证号码,姓名\n".encode(), "不是 .xlsx 格式的 Excel 文件"),
        (bomb(40), "解压后是压缩时的"),
        (two_sheets([HEADER, row(id_number=make_id(serial=2))]), "2个工作表有内容"),
    ):
        response = client.post(url, {"resource": 0, "format": 0, "import_file": upload(data)})
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert "encountered while trying to read file" not in response.content.decode()
    with override_settings(PORTAL_IMPORT_MAX_BYTES=100):
        response = client.post(url, {"resource": 0, "format": 0, "import_file": upload(xlsx_bytes([row()]))})
        assert "超过上限" in response.content.decode()
    assert not Deputy.objects.exists()


def test_admin_preview_lists_changes_and_imports_them_only_when_ticked(province, client):
    person = make_id(serial=31)
    f.DeputyFactory(id_number=person, name="赵六", gender="female")
    client.force_login(f.staff_user(is_staff=True, is_superuser=True))
    response = client.post("/admin/deputies/deputy/import/",
                           {"resource": 0, "format": 0, "import_file": upload(xlsx_bytes([row(id_number=person, name="赵七")]))})
    content = response.content.decode()
    assert "由「赵六」改为「赵七」" in content and 'name="confirm_changes"' in content
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/deputies/deputy/process_import/", confirm, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "第2行「姓名」" in shown and "文件被拒绝，未写入任何数据。" in shown
    assert Deputy.objects.get(id_number=person).name == "赵六"
    # The preview is a dry run: the stored upload is still there for the confirmed attempt.
    response = client.post("/admin/deputies/deputy/import/",
                           {"resource": 0, "format": 0, "import_file": upload(xlsx_bytes([row(id_number=person, name="赵七")]))})
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm_changes": "on"})
    assert response.status_code == 302
    assert Deputy.objects.get(id_number=person).name == "赵七"

"""The deputies sheet: import (refused whole on any bad row, with row and
column), formula escaping, masking, and export-then-import changes nothing."""
import datetime
import io

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from deputies.models import Deputy, DeputyImport, Mandate, MandateStatus
from deputies.resources import DeputyMandateResource, escape_formula, read_xlsx, unescape_formula, write_xlsx
from deputies.services import ImportRefused, import_deputies
from tests.deputies import factories as f
from tests.deputies.conftest import HEADER, county_row, make_id, numbered, read_back, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(rows, header=HEADER, **kwargs):
    return import_deputies(header=header, rows=numbered(rows), **kwargs)


def errors_of(rows, header=HEADER):
    with pytest.raises(ImportRefused) as info:
        run(rows, header)
    return {(e.row, e.column): e.message for e in info.value.report.errors}


def test_a_person_with_two_mandates_is_kept_once(province):
    person = make_id(serial=11)
    report = run([row(id_number=person, card_number="P0001"), county_row(id_number=person), row(id_number=make_id(serial=21), name="李明")])
    assert (report.deputies_created, report.mandates_created) == (2, 3)
    deputy = Deputy.objects.get(id_number=person)
    assert deputy.birth_date == datetime.date(1975, 6, 1)  # from the ID number
    assert sorted(deputy.mandates.values_list("level", flat=True)) == ["county", "provincial"]
    provincial = deputy.mandates.get(level="provincial")
    assert (provincial.delegation, provincial.electoral_unit, provincial.card_number) == (
        province.changsha, province.prov_eu, "P0001")
    # Creations are recorded once for the file, not in a history row each.
    record = DeputyImport.objects.get()
    assert (record.rows, record.deputies_created, record.mandates_created) == (3, 2, 3)
    assert deputy.history.count() == 0


def test_bad_rows_refuse_the_whole_file_naming_row_and_column(province):
    good = row(id_number=make_id(serial=1))
    bad_checksum = make_id(serial=2)[:-1] + ("0" if make_id(serial=2)[-1] != "0" else "1")
    rows = [
        good,  # row 2
        row(id_number=bad_checksum),  # row 3
        row(id_number=make_id(serial=3), birth_date=datetime.date(1980, 1, 1)),  # row 4
        row(id_number=make_id(serial=4), level="州"),  # row 5
        row(id_number=make_id(serial=5), congress_area_code="439999000000"),  # row 6
        row(id_number=make_id(serial=6), phone="1234"),  # row 7
        row(id_number=make_id(serial=7), delegation="不存在代表团"),  # row 8
        row(id_number=make_id(serial=1)),  # row 9: second provincial mandate of row 2's person
        row(id_number=make_id(serial=8), term_number=13),  # row 10
        row(id_number=make_id(serial=9), start_date="2023年13月1日", name=""),  # row 11
    ]
    errors = errors_of(rows)
    assert set(errors) == {
        (3, "身份证号码"), (4, "出生日期"), (5, "层级"), (6, "人大区划代码"), (7, "手机号码"), (8, "代表团"),
        (9, "届次"), (10, "届次"), (11, "任期开始"), (11, "姓名"),
    }
    assert errors[(3, "身份证号码")] == "身份证号码校验位不正确。"
    assert errors[(4, "出生日期")] == "出生日期与身份证号码不一致。"
    assert "第2行" in errors[(9, "届次")]
    # Nothing written, not even the good first row.
    assert Deputy.objects.count() == 0 and Mandate.objects.count() == 0 and not DeputyImport.objects.exists()


def test_rows_of_one_person_must_agree_and_card_numbers_be_unique(province):
    f.MandateFactory(term=province.prov_term, congress=province.prov, card_number="P0009")
    person = make_id(serial=31)
    errors = errors_of([
        row(id_number=person),
        county_row(id_number=person, name="张湘芸"),
        row(id_number=make_id(serial=32), card_number="P0009"),
        row(id_number=make_id(serial=33), card_number="P0100"),
        row(id_number=make_id(serial=34), card_number="P0100"),
    ])
    assert set(errors) == {(3, "姓名"), (4, "代表证号"), (6, "代表证号")}
    assert errors[(4, "代表证号")] == "代表证号已被其他代表使用。"
    assert Deputy.objects.count() == 1  # only the factory's


def test_missing_and_unknown_columns_are_reported_on_row_one(province):
    header = [h for h in HEADER if h != "性别"] + ["备注"]
    rows = [[v for h, v in zip(HEADER, row()) if h != "性别"] + ["x"]]
    errors = errors_of(rows, header)
    assert set(errors) == {(1, "备注"), (1, "性别")}


def test_an_empty_row_is_skipped_and_row_numbers_stay_those_of_excel(province, tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(xlsx_bytes([row(id_number=make_id(serial=41)), [None] * len(HEADER), row(id_number="123")]))
    header, rows = read_xlsx(path)
    with pytest.raises(ImportRefused) as info:
        import_deputies(header=header, rows=rows)
    assert [(e.row, e.column) for e in info.value.report.errors] == [(4, "身份证号码")]


def test_formula_like_cells_are_escaped_on_export_and_restored_on_import(province, tmp_path):
    deputy = f.DeputyFactory(name="=HYPERLINK(\"http://x\")", work_unit="+SUM(A1:A9)", title="@cmd", ethnicity="-汉族")
    f.MandateFactory(deputy=deputy, term=province.prov_term, congress=province.prov, card_number="-1+1")
    path = tmp_path / "out.xlsx"
    write_xlsx(path)
    cells = read_back(path.read_bytes())[1]
    by_header = dict(zip(HEADER, cells))
    for header in ("姓名", "工作单位", "职务", "民族", "代表证号"):
        cell = by_header[header]
        assert cell.data_type == "s" and cell.value.startswith("'"), header
    assert by_header["姓名"].value == "'=HYPERLINK(\"http://x\")"
    assert escape_formula("正常") == "正常" and unescape_formula("'=1") == "=1" and unescape_formula("'a") == "'a"
    header, rows = read_xlsx(path)
    report = import_deputies(header=header, rows=rows)
    assert (report.deputies_unchanged, report.mandates_unchanged) == (1, 1)
    deputy.refresh_from_db()
    assert deputy.name == "=HYPERLINK(\"http://x\")"


def _snapshot():
    return (
        [model_to_dict(d) | {"updated_at": d.updated_at} for d in Deputy.objects.order_by("pk")],
        [model_to_dict(x) for x in Mandate.objects.order_by("pk")],
        Deputy.history.count(),
        Mandate.history.count(),
        DeputyImport.objects.values_list("pk", flat=True).count(),
    )


def test_export_then_import_changes_nothing(province, tmp_path):
    person = make_id(serial=51)
    run([
        row(id_number=person, card_number="P0001", party="民盟", occupation="企业负责人"),
        county_row(id_number=person, party="民盟", occupation="企业负责人", first_term="否", status="辞职",
                   end_date=datetime.date(2024, 5, 1)),
        row(id_number=make_id(serial=52), phone="", title="", delegation="", electoral_unit="", ethnicity="土家族"),
        county_row(id_number=make_id(serial=53), name="=1+2", delegation=""),
    ])
    before = _snapshot()
    path = tmp_path / "roundtrip.xlsx"
    assert write_xlsx(path) == 4
    header, rows = read_xlsx(path)
    report = import_deputies(header=header, rows=rows)
    assert (report.deputies_created, report.deputies_updated, report.deputies_unchanged) == (0, 0, 3)
    assert (report.mandates_created, report.mandates_updated, report.mandates_unchanged) == (0, 0, 4)
    assert _snapshot() == before


def test_an_edited_sheet_updates_only_what_changed(province):
    person = make_id(serial=61)
    run([row(id_number=person), county_row(id_number=person)])
    edited = [row(id_number=person, phone="13800000000"), county_row(id_number=person, phone="13800000000", status="辞职")]
    report = run(edited, confirm_changes=True)
    assert (report.deputies_updated, report.mandates_updated, report.mandates_unchanged) == (1, 1, 1)
    deputy = Deputy.objects.get(id_number=person)
    assert deputy.phone == "13800000000"
    assert deputy.mandates.get(level="county").status == MandateStatus.RESIGNED
    # What an import changes on existing records is in their history.
    assert deputy.history.count() == 1 and deputy.mandates.get(level="county").history.count() == 1


def test_exports_for_anyone_but_staff_mask_id_number_and_phone(province, unit_user, staff_user, tmp_path):
    deputy = f.DeputyFactory(phone="13912345678")
    f.MandateFactory(deputy=deputy, term=province.prov_term, congress=province.prov)
    for actor, masked in ((unit_user, True), (staff_user, False)):
        path = tmp_path / f"{actor.username}.xlsx"
        write_xlsx(path, actor=actor)
        values = dict(zip(HEADER, [c.value for c in read_back(path.read_bytes())[1]]))
        if masked:
            assert values["身份证号码"] == deputy.id_number[:3] + "*" * 11 + deputy.id_number[-4:]
            assert values["手机号码"] == "139****5678"
        else:
            assert (values["身份证号码"], values["手机号码"]) == (deputy.id_number, "13912345678")
    # The admin's export goes through the resource with the same rule.
    dataset = DeputyMandateResource(actor=unit_user).export(Mandate.objects.all())
    assert dataset.dict[0]["身份证号码"].count("*") == 11
    assert DeputyMandateResource(actor=staff_user).export(Mandate.objects.all()).dict[0]["身份证号码"] == deputy.id_number


def test_only_staff_may_import(province, unit_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run([row()], actor=unit_user)


def test_row_by_row_resource_applies_the_same_checks(province):
    """django-import-export's stock loop (the benchmark's baseline) refuses the
    same rows as the bulk path."""
    rows = [row(id_number=make_id(serial=71)), row(id_number=make_id(serial=72), level="州"),
            county_row(id_number=make_id(serial=73), phone="12")]
    dataset = tablib.Dataset(*rows, headers=HEADER)
    slow = DeputyMandateResource(fast=False).import_data(dataset, dry_run=True)
    fast = DeputyMandateResource().import_data(dataset, dry_run=True)
    # The stock loop numbers data rows from 1; the fast path numbers Excel rows (header = 1).
    assert [r.number + 1 for r in slow.invalid_rows] == [r.number for r in fast.invalid_rows] == [3, 4]
    assert [sorted(r.error_dict) for r in slow.invalid_rows] == [sorted(r.error_dict) for r in fast.invalid_rows]
    assert Deputy.objects.count() == 0
    good = tablib.Dataset(row(id_number=make_id(serial=74)), headers=HEADER)
    result = DeputyMandateResource(fast=False).import_data(good)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Mandate.objects.get().deputy.id_number == make_id(serial=74)


def test_commands_import_and_export(province, tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_bytes(xlsx_bytes([row(id_number=make_id(serial=81)), row(id_number="bad")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_deputies", str(source), stderr=err)
    assert "第3行「身份证号码」" in err.getvalue()
    source.write_bytes(xlsx_bytes([row(id_number=make_id(serial=81))]))
    out = io.StringIO()
    call_command("import_deputies", str(source), stdout=out)
    assert Deputy.objects.count() == 1
    target = tmp_path / "out.xlsx"
    call_command("export_deputies", str(target), "--masked", stdout=out)
    assert read_back(target.read_bytes())[1][0].value.count("*") == 11


def test_admin_import_refuses_bad_file_and_imports_good_one(province, client):
    admin_user = f.staff_user(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = "/admin/deputies/deputy/import/"
    bad = io.BytesIO(xlsx_bytes([row(id_number=make_id(serial=91)), row(id_number=make_id(serial=92), gender="未知")]))
    bad.name = "bad.xlsx"
    response = client.post(url, {"resource": 0, "format": 0, "import_file": bad})
    assert response.status_code == 200
    content = response.content.decode()
    assert "“未知”不是有效的选项。" in content and "性别" in content
    assert response.context["result"].invalid_rows[0].number == 3
    assert Deputy.objects.count() == 0
    good = io.BytesIO(xlsx_bytes([row(id_number=make_id(serial=91))]))
    good.name = "good.xlsx"
    response = client.post(url, {"resource": 0, "format": 0, "import_file": good})
    assert Deputy.objects.count() == 0  # the first step is a dry run
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/deputies/deputy/process_import/", confirm)
    assert response.status_code == 302
    assert Deputy.objects.get().id_number == make_id(serial=91)

"""Staff of a county import only their county's mandates: a row of another
congress refuses the whole file, naming the row; the province's staff (or a
staff account of the whole province) import any congress's."""
import pytest

from deputies.models import AreaKind, Level, Mandate
from deputies.services import ImportRefused, import_deputies, save_mandate
from tests.deputies import factories as df

pytestmark = pytest.mark.django_db

HEADER = ["身份证号码", "姓名", "性别", "人大区划代码", "层级", "届次"]


@pytest.fixture
def congresses():
    province = df.CongressFactory(area=df.AreaFactory(code="960000000000", name="丁省"), level=Level.PROVINCIAL)
    county = df.CongressFactory(area=df.AreaFactory(code="960101000000", name="丁县", kind=AreaKind.COUNTY,
                                                    parent=province.area), level=Level.COUNTY)
    other = df.CongressFactory(area=df.AreaFactory(code="960102000000", name="戊县", kind=AreaKind.COUNTY,
                                                   parent=province.area), level=Level.COUNTY)
    for congress in (province, county, other):
        df.TermFactory(congress=congress, number=14)
    return {"province": province, "county": county, "other": other}


def _rows(*codes_and_levels):
    return [
        (n, [df.make_id_number(), f"导入代表{n}", "女", code, level, 14])
        for n, (code, level) in enumerate(codes_and_levels, start=2)
    ]


def test_a_county_imports_its_own_mandates(congresses):
    staff = df.staff_user(congress=congresses["county"])
    report = import_deputies(header=HEADER, rows=_rows(("960101000000", "县级"), ("960101000000", "县级")), actor=staff)
    assert report.rows == 2
    assert set(Mandate.objects.filter(deputy__name__startswith="导入代表").values_list("congress", flat=True)) == {
        congresses["county"].pk}


def test_a_row_of_another_congress_refuses_the_file_naming_the_row(congresses):
    staff = df.staff_user(congress=congresses["county"])
    rows = _rows(("960101000000", "县级"), ("960102000000", "县级"), ("960000000000", "省级"))
    with pytest.raises(ImportRefused) as refused:
        import_deputies(header=HEADER, rows=rows, actor=staff)
    bad = {(e.row, str(e.column)) for e in refused.value.report.errors}
    assert bad == {(3, "人大区划代码"), (4, "人大区划代码")}
    assert "只能导入丁县" in " ".join(str(e.message) for e in refused.value.report.errors)
    assert not Mandate.objects.filter(deputy__name__startswith="导入代表").exists()  # nothing written


def test_the_whole_province_imports_any_congress(congresses):
    report = import_deputies(header=HEADER, rows=_rows(("960101000000", "县级"), ("960102000000", "县级")),
                             actor=df.staff_user())
    assert report.rows == 2


def test_staff_write_only_their_own_congresss_mandates(congresses):
    staff = df.staff_user(congress=congresses["county"])
    below_or_beside = df.MandateFactory(term=congresses["other"].terms.get())
    with pytest.raises(Exception, match="只能登记和修改本级人大的代表资格"):
        save_mandate(actor=staff, mandate=below_or_beside, card_number="X1")

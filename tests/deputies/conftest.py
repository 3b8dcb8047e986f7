"""A small province for the deputies tests: a province with one prefecture,
one county and one township, their congresses, current terms, electoral
units and delegations; and helpers to build xlsx sheets in memory."""
import datetime
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from deputies import models as m
from deputies.resources import COLUMNS
from deputies.validators import id_number_check_char


def make_id(area="430104", birth=datetime.date(1975, 6, 1), serial=1):
    first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_char(first17)


def _area(code, name, kind, parent=None):
    return m.AdministrativeArea.objects.create(code=code, name=name, kind=kind, parent=parent)


def _congress(area, level, name, term_number, start):
    congress = m.Congress.objects.create(area=area, level=level, name=name)
    term = m.Term.objects.create(congress=congress, number=term_number, start_date=start,
                                 end_date=start.replace(year=start.year + 5) - datetime.timedelta(days=1))
    m.Session.objects.create(term=term, number=1, year=start.year, start_date=start, end_date=start + datetime.timedelta(days=4))
    return congress, term


@pytest.fixture
def province(db):
    province = _area("430000000000", "湖南省", m.AreaKind.PROVINCE)
    prefecture = _area("430100000000", "长沙市", m.AreaKind.PREFECTURE, province)
    county = _area("430104000000", "岳麓区", m.AreaKind.COUNTY, prefecture)
    township = _area("430104100000", "莲花镇", m.AreaKind.TOWNSHIP, county)
    other_prefecture = _area("430200000000", "株洲市", m.AreaKind.PREFECTURE, province)
    prov, prov_term = _congress(province, m.Level.PROVINCIAL, "湖南省人民代表大会", 14, datetime.date(2023, 1, 12))
    pref, _pref_term = _congress(prefecture, m.Level.PREFECTURE, "长沙市人民代表大会", 16, datetime.date(2022, 1, 6))
    zhuzhou, zhuzhou_term = _congress(other_prefecture, m.Level.PREFECTURE, "株洲市人民代表大会", 16, datetime.date(2022, 1, 6))
    cty, cty_term = _congress(county, m.Level.COUNTY, "岳麓区人民代表大会", 18, datetime.date(2022, 1, 5))
    twn, twn_term = _congress(township, m.Level.TOWNSHIP, "莲花镇人民代表大会", 20, datetime.date(2022, 1, 4))
    prov_eu = m.ElectoralUnit.objects.create(congress=prov, name="长沙市人民代表大会", kind=m.ElectoralUnitKind.LOWER_CONGRESS,
                                             electing_congress=pref, area=prefecture)
    prov_eu2 = m.ElectoralUnit.objects.create(congress=prov, name="株洲市人民代表大会", kind=m.ElectoralUnitKind.LOWER_CONGRESS,
                                              electing_congress=zhuzhou, area=other_prefecture)
    cty_eu = m.ElectoralUnit.objects.create(congress=cty, name="第1选区", kind=m.ElectoralUnitKind.CONSTITUENCY, area=township)
    twn_eu = m.ElectoralUnit.objects.create(congress=twn, name="第1选区", kind=m.ElectoralUnitKind.CONSTITUENCY, area=township)
    changsha = m.Delegation.objects.create(term=prov_term, name="长沙代表团", area=prefecture)
    zhuzhou_delegation = m.Delegation.objects.create(term=prov_term, name="株洲代表团", area=other_prefecture)
    lianhua = m.Delegation.objects.create(term=cty_term, name="莲花镇代表团", area=township)
    return SimpleNamespace(
        province=province, prefecture=prefecture, county=county, township=township, other_prefecture=other_prefecture,
        prov=prov, prov_term=prov_term, cty=cty, cty_term=cty_term, twn=twn, twn_term=twn_term, zhuzhou=zhuzhou,
        zhuzhou_term=zhuzhou_term, prov_eu=prov_eu, prov_eu2=prov_eu2, cty_eu=cty_eu, twn_eu=twn_eu,
        changsha=changsha, zhuzhou_delegation=zhuzhou_delegation, lianhua=lianhua,
    )


HEADER = [c.source_header for c in COLUMNS]


def row(**values):
    """A sheet row (column key -> value), defaults: a provincial deputy."""
    base = {
        "id_number": make_id(), "name": "张湘云", "gender": "女", "ethnicity": "汉族", "birth_date": None, "party": "中共",
        "occupation": "专业技术人员", "work_unit": "中南大学湘雅医院", "title": "主任医师", "phone": "13907311234",
        "congress_area_code": "430000000000", "level": "省", "congress_name": "湖南省人民代表大会", "term_number": 14,
        "electoral_unit": "长沙市人民代表大会", "delegation": "长沙代表团", "card_number": "", "status": "在任",
        "start_date": datetime.date(2023, 1, 12), "end_date": None, "first_term": "是",
    }
    base.update(values)
    return [base[c.key] for c in COLUMNS]


def county_row(**values):
    defaults = {"congress_area_code": "430104000000", "level": "县、市辖区、不设区的市", "congress_name": "岳麓区人民代表大会",
                "term_number": 18, "electoral_unit": "第1选区", "delegation": "莲花镇代表团",
                "start_date": datetime.date(2022, 1, 5)}
    defaults.update(values)
    return row(**defaults)


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_back(data):
    """All cells of the first sheet (values and the openpyxl cells)."""
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows()]


def numbered(rows):
    return enumerate(rows, start=2)

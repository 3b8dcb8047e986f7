"""Demo and benchmark data: a province (湖南省, its 14 prefectures and 122
counties with their real division codes, townships with real-looking names)
with congresses at the five levels, terms, sessions, electoral units,
delegations, and generated deputies.

Deputies are generated as sheet rows (the columns of deputies.resources) and
go in through ``services.import_deputies``, the same path as a staff upload;
the benchmark writes the same rows to an xlsx file instead."""
import datetime
import math
import random
from dataclasses import dataclass, field

from .models import (
    AdministrativeArea,
    AreaKind,
    Congress,
    Delegation,
    ElectoralUnit,
    ElectoralUnitKind,
    Gender,
    Level,
    MandateStatus,
    Occupation,
    Party,
    Session,
    Term,
)
from .resources import COLUMNS
from .validators import id_number_check_char

COUNTRY = ("000000000000", "中华人民共和国")
PROVINCE = ("430000000000", "湖南省", "湖南")
# Prefectures and their counties, with the GB/T 2260 codes.
PREFECTURES = [
    ("430100", "长沙市", [("430102", "芙蓉区"), ("430103", "天心区"), ("430104", "岳麓区"), ("430105", "开福区"),
                         ("430111", "雨花区"), ("430112", "望城区"), ("430121", "长沙县"), ("430181", "浏阳市"), ("430182", "宁乡市")]),
    ("430200", "株洲市", [("430202", "荷塘区"), ("430203", "芦淞区"), ("430204", "石峰区"), ("430211", "天元区"),
                         ("430212", "渌口区"), ("430223", "攸县"), ("430224", "茶陵县"), ("430225", "炎陵县"), ("430281", "醴陵市")]),
    ("430300", "湘潭市", [("430302", "雨湖区"), ("430304", "岳塘区"), ("430321", "湘潭县"), ("430381", "湘乡市"), ("430382", "韶山市")]),
    ("430400", "衡阳市", [("430405", "珠晖区"), ("430406", "雁峰区"), ("430407", "石鼓区"), ("430408", "蒸湘区"),
                         ("430412", "南岳区"), ("430421", "衡阳县"), ("430422", "衡南县"), ("430423", "衡山县"),
                         ("430424", "衡东县"), ("430426", "祁东县"), ("430481", "耒阳市"), ("430482", "常宁市")]),
    ("430500", "邵阳市", [("430502", "双清区"), ("430503", "大祥区"), ("430511", "北塔区"), ("430522", "新邵县"),
                         ("430523", "邵阳县"), ("430524", "隆回县"), ("430525", "洞口县"), ("430527", "绥宁县"),
                         ("430528", "新宁县"), ("430529", "城步苗族自治县"), ("430581", "武冈市"), ("430582", "邵东市")]),
    ("430600", "岳阳市", [("430602", "岳阳楼区"), ("430603", "云溪区"), ("430611", "君山区"), ("430621", "岳阳县"),
                         ("430623", "华容县"), ("430624", "湘阴县"), ("430626", "平江县"), ("430681", "汨罗市"), ("430682", "临湘市")]),
    ("430700", "常德市", [("430702", "武陵区"), ("430703", "鼎城区"), ("430721", "安乡县"), ("430722", "汉寿县"),
                         ("430723", "澧县"), ("430724", "临澧县"), ("430725", "桃源县"), ("430726", "石门县"), ("430781", "津市市")]),
    ("430800", "张家界市", [("430802", "永定区"), ("430811", "武陵源区"), ("430821", "慈利县"), ("430822", "桑植县")]),
    ("430900", "益阳市", [("430902", "资阳区"), ("430903", "赫山区"), ("430921", "南县"), ("430922", "桃江县"),
                         ("430923", "安化县"), ("430981", "沅江市")]),
    ("431000", "郴州市", [("431002", "北湖区"), ("431003", "苏仙区"), ("431021", "桂阳县"), ("431022", "宜章县"),
                         ("431023", "永兴县"), ("431024", "嘉禾县"), ("431025", "临武县"), ("431026", "汝城县"),
                         ("431027", "桂东县"), ("431028", "安仁县"), ("431081", "资兴市")]),
    ("431100", "永州市", [("431102", "零陵区"), ("431103", "冷水滩区"), ("431122", "东安县"), ("431123", "双牌县"),
                         ("431124", "道县"), ("431125", "江永县"), ("431126", "宁远县"), ("431127", "蓝山县"),
                         ("431128", "新田县"), ("431129", "江华瑶族自治县"), ("431181", "祁阳市")]),
    ("431200", "怀化市", [("431202", "鹤城区"), ("431221", "中方县"), ("431222", "沅陵县"), ("431223", "辰溪县"),
                         ("431224", "溆浦县"), ("431225", "会同县"), ("431226", "麻阳苗族自治县"), ("431227", "新晃侗族自治县"),
                         ("431228", "芷江侗族自治县"), ("431229", "靖州苗族侗族自治县"), ("431230", "通道侗族自治县"), ("431281", "洪江市")]),
    ("431300", "娄底市", [("431302", "娄星区"), ("431321", "双峰县"), ("431322", "新化县"), ("431381", "冷水江市"), ("431382", "涟源市")]),
    ("433100", "湘西土家族苗族自治州", [("433101", "吉首市"), ("433122", "泸溪县"), ("433123", "凤凰县"), ("433124", "花垣县"),
                                   ("433125", "保靖县"), ("433126", "古丈县"), ("433127", "永顺县"), ("433130", "龙山县")]),
]
TOWN_NAMES = (
    "黄花 春华 果园 路口 高桥 金井 福临 青山铺 安沙 北山 白沙 石门 长乐 永丰 太平 龙潭 新塘 观音 桥头 清水 柏加 洞阳 官渡 "
    "古港 沙市 大瑶 金刚 永安 镇头 普迹 社港 达浒 张坊 沿溪 官桥 杨林 龙伏 淳口 高坪 枨冲 葛家 小河 中和 荷花 关山 七星 "
    "双江 龙田 梅花 三塘 黄土 花桥 樟树 横铺 杨家 马坪 金石 回龙 仙人 白马 茶山 枫林 莲花 桃花 槐树 凤凰 青树 石桥 "
    "大坪 河口 新市 泉塘 朱亭 南阳 江口 湾头 大塘 坪上 桐木 塔山 麻田 洪山 双牌 岭头 竹山 石塘 云田 白鹤 新开 柳塘"
).split()
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤欧阳"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉海燕鹏飞晓春林波宇浩然思佳欣怡子涵雨轩博文俊杰嘉琪梦瑶晨曦湘湄岳衡潇楚"
ETHNIC_MINORITIES = ("土家族", "苗族", "侗族", "瑶族", "白族", "回族", "壮族")
PARTIES = [(Party.CPC, 70), (Party.NONE, 14), (Party.CNDCA, 3), (Party.CDL, 3), (Party.CAPD, 2), (Party.RCCK, 2),
           (Party.CPWDP, 2), (Party.JS, 2), (Party.CZGP, 1), (Party.TDSGL, 1)]

# Terms in force: the number, first and last day.
TERMS = {
    Level.NATIONAL: (14, datetime.date(2023, 3, 5), datetime.date(2028, 3, 4)),
    Level.PROVINCIAL: (14, datetime.date(2023, 1, 12), datetime.date(2028, 1, 11)),
    Level.PREFECTURE: (16, datetime.date(2022, 1, 6), datetime.date(2027, 1, 5)),
    Level.COUNTY: (18, datetime.date(2022, 1, 5), datetime.date(2027, 1, 4)),
    Level.TOWNSHIP: (20, datetime.date(2022, 1, 4), datetime.date(2027, 1, 3)),
}
LAST_SESSION_YEAR = 2026
TOWNSHIP_CONSTITUENCIES = 12


@dataclass
class Plan:
    """How many mandates per congress of each level, and how many townships
    per county get their own congress."""

    national: int
    provincial: int
    per_prefecture: int
    per_county: int
    townships_per_county: int
    counties_with_townships: int  # per prefecture; None for all
    people: int | None = None  # stop adding township seats at this many people
    per_township: int = 4
    reuse: float = 0.35  # chance a county seat goes to someone already elected higher up

    @classmethod
    def demo(cls):
        return cls(national=10, provincial=60, per_prefecture=8, per_county=4, townships_per_county=3,
                   counties_with_townships=2, per_township=4)

    @classmethod
    def scale(cls, people):
        return cls(
            national=min(118, max(10, people // 1000)),
            provincial=max(20, round(people * 0.0055)),
            per_prefecture=max(5, round(people * 0.04 / 14)),
            per_county=max(4, round(people * 0.22 / 122)),
            townships_per_county=min(15, max(1, people // 9000)),
            counties_with_townships=None,
            people=people,
        )


@dataclass
class Province:
    """What the structure builder made, by natural keys, for the generator."""

    country: AdministrativeArea = None
    province: AdministrativeArea = None
    prefectures: list = field(default_factory=list)  # areas
    counties: dict = field(default_factory=dict)  # prefecture code -> [areas]
    townships: dict = field(default_factory=dict)  # county code -> [areas]
    congress: dict = field(default_factory=dict)  # area code -> Congress
    term: dict = field(default_factory=dict)  # area code -> Term
    eus: dict = field(default_factory=dict)  # area code -> [ElectoralUnit]
    delegation_for: dict = field(default_factory=dict)  # (congress area code, sub-area code) -> Delegation name


def _area(code, name, kind, parent):
    area = AdministrativeArea(code=code, name=name, kind=kind, parent=parent)
    area.path = f"{parent.path}/{code}" if parent else code
    return area


def build_province(plan):
    """Areas, congresses, terms, sessions, electoral units and delegations,
    all with bulk_create (a few seconds even at province scale)."""
    p = Province()
    p.country = AdministrativeArea.objects.create(code=COUNTRY[0], name=COUNTRY[1], kind=AreaKind.COUNTRY)
    p.province = AdministrativeArea.objects.create(code=PROVINCE[0], name=PROVINCE[1], kind=AreaKind.PROVINCE, parent=p.country)
    p.prefectures = AdministrativeArea.objects.bulk_create(
        [_area(code + "000000", name, AreaKind.PREFECTURE, p.province) for code, name, _c in PREFECTURES]
    )
    counties = []
    for prefecture, (_code, _name, county_list) in zip(p.prefectures, PREFECTURES):
        for code, name in county_list:
            counties.append(_area(code + "000000", name, AreaKind.COUNTY, prefecture))
    AdministrativeArea.objects.bulk_create(counties)
    for county in counties:
        p.counties.setdefault(county.parent.code, []).append(county)
    townships = []
    for prefecture in p.prefectures:
        chosen = p.counties[prefecture.code]
        if plan.counties_with_townships is not None:
            # Towns are in counties; urban districts mostly have 街道 instead.
            chosen = sorted(chosen, key=lambda c: c.name.endswith("区"))[: plan.counties_with_townships]
        for c_index, county in enumerate(chosen):
            for t in range(plan.townships_per_county):
                base = TOWN_NAMES[(int(county.code[:6]) * 7 + t * 13) % len(TOWN_NAMES)]
                suffix = "乡" if t % 5 == 4 else "镇"
                code = county.code[:6] + f"{(200 if suffix == '乡' else 100) + t:03d}" + "000"
                townships.append(_area(code, base + suffix, AreaKind.TOWNSHIP, county))
    AdministrativeArea.objects.bulk_create(townships)
    for township in townships:
        p.townships.setdefault(township.parent.code, []).append(township)

    # One congress per area, at the area's level.
    level_of = {AreaKind.COUNTRY: Level.NATIONAL, AreaKind.PROVINCE: Level.PROVINCIAL, AreaKind.PREFECTURE: Level.PREFECTURE,
                AreaKind.COUNTY: Level.COUNTY, AreaKind.TOWNSHIP: Level.TOWNSHIP}
    areas = [p.country, p.province, *p.prefectures, *counties, *townships]
    congresses = Congress.objects.bulk_create(
        [Congress(area=a, level=level_of[a.kind], name=("全国" if a.kind == AreaKind.COUNTRY else a.name) + "人民代表大会")
         for a in areas]
    )
    p.congress = {c.area.code: c for c in congresses}
    terms = Term.objects.bulk_create(
        [Term(congress=c, number=TERMS[c.level][0], start_date=TERMS[c.level][1], end_date=TERMS[c.level][2]) for c in congresses]
    )
    p.term = {t.congress.area.code: t for t in terms}
    sessions = []
    for term in terms:
        for number, year in enumerate(range(term.start_date.year, min(term.end_date.year, LAST_SESSION_YEAR) + 1), start=1):
            start = term.start_date.replace(year=year)
            sessions.append(Session(term=term, number=number, year=year, start_date=start,
                                    end_date=start + datetime.timedelta(days=4),
                                    handling_period_end=start + datetime.timedelta(days=180)))
    Session.objects.bulk_create(sessions)

    # Who elects whom: the congress one level down for national, provincial and
    # prefecture deputies (and the army delegation); constituencies below.
    eus, delegations = [], []
    nat, prov = p.congress[COUNTRY[0]], p.congress[PROVINCE[0]]
    eus.append(ElectoralUnit(congress=nat, name=prov.name, kind=ElectoralUnitKind.LOWER_CONGRESS, electing_congress=prov, area=p.province))
    delegations.append(Delegation(term=p.term[COUNTRY[0]], name=PROVINCE[2] + "代表团", area=p.province))
    p.delegation_for[(COUNTRY[0], PROVINCE[0])] = PROVINCE[2] + "代表团"
    for prefecture in p.prefectures:
        lower = p.congress[prefecture.code]
        eus.append(ElectoralUnit(congress=prov, name=lower.name, kind=ElectoralUnitKind.LOWER_CONGRESS, electing_congress=lower, area=prefecture))
        short = prefecture.name.removesuffix("市").removesuffix("土家族苗族自治州")
        delegations.append(Delegation(term=p.term[PROVINCE[0]], name=short + "代表团", area=prefecture))
        p.delegation_for[(PROVINCE[0], prefecture.code)] = short + "代表团"
        for county in p.counties[prefecture.code]:
            lower = p.congress[county.code]
            eus.append(ElectoralUnit(congress=p.congress[prefecture.code], name=lower.name,
                                     kind=ElectoralUnitKind.LOWER_CONGRESS, electing_congress=lower, area=county))
            delegations.append(Delegation(term=p.term[prefecture.code], name=county.name + "代表团", area=county))
            p.delegation_for[(prefecture.code, county.code)] = county.name + "代表团"
            county_constituencies = max(1, math.ceil(plan.per_county / 2))
            places = p.townships.get(county.code) or [county]
            for n in range(1, county_constituencies + 1):
                eus.append(ElectoralUnit(congress=p.congress[county.code], name=f"第{n}选区",
                                         kind=ElectoralUnitKind.CONSTITUENCY, area=places[(n - 1) % len(places)]))
            for township in p.townships.get(county.code, []):
                delegations.append(Delegation(term=p.term[county.code], name=township.name + "代表团", area=township))
                p.delegation_for[(county.code, township.code)] = township.name + "代表团"
                for n in range(1, TOWNSHIP_CONSTITUENCIES + 1):
                    eus.append(ElectoralUnit(congress=p.congress[township.code], name=f"第{n}选区",
                                             kind=ElectoralUnitKind.CONSTITUENCY, area=township))
    eus.append(ElectoralUnit(congress=prov, name="中国人民解放军驻湘部队", kind=ElectoralUnitKind.OTHER))
    delegations.append(Delegation(term=p.term[PROVINCE[0]], name="解放军代表团"))
    ElectoralUnit.objects.bulk_create(eus)
    Delegation.objects.bulk_create(delegations)
    for eu in eus:
        p.eus.setdefault(eu.congress.area.code, []).append(eu)
    return p


@dataclass(slots=True)
class Person:
    id_number: str
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date
    party: str
    occupation: str
    work_unit: str
    title: str
    phone: str
    home: AdministrativeArea  # county


class DeputyGenerator:
    """Generates the sheet rows (one per mandate) for a plan, deterministically."""

    def __init__(self, province, plan, seed=2026):
        self.p = province
        self.plan = plan
        self.rng = random.Random(seed)
        self.ids = set()
        self.phones = set()
        self.people = 0
        self.pool = {}  # county code -> people elected higher up, who may also sit in the county congress
        self.county_pool = {}  # county code -> county deputies who may also sit in a township congress
        self.cards = {}
        self.labels = {
            "gender": dict(Gender.choices), "party": dict(Party.choices), "occupation": dict(Occupation.choices),
            "level": dict(Level.choices), "status": dict(MandateStatus.choices),
        }

    # -- people ------------------------------------------------------------
    def _id_number(self, home, birth, male):
        while True:
            serial = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{home.code[:6]}{birth:%Y%m%d}{serial:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_number_check_char(first17)

    def _phone(self):
        while True:
            phone = self.rng.choice(("139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "187", "188",
                                     "133", "153", "180", "189", "130", "131", "132", "155", "156", "185", "186"))
            phone += f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _name(self):
        rng = self.rng
        surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES.replace("欧阳", ""))
        given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.75 else "")
        return surname + given

    def person(self, home, level, place_name):
        rng = self.rng
        male = rng.random() < 0.72
        birth = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 42))
        minority = home.code.startswith("4331") or "自治县" in home.name
        ethnicity = rng.choice(ETHNIC_MINORITIES[:3]) if minority and rng.random() < 0.6 else (
            rng.choice(ETHNIC_MINORITIES) if rng.random() < 0.05 else "汉族")
        party = rng.choices([p for p, _w in PARTIES], [w for _p, w in PARTIES])[0]
        occupation = rng.choices(
            [Occupation.OFFICIAL, Occupation.ENTERPRISE, Occupation.WORKER, Occupation.FARMER, Occupation.PROFESSIONAL,
             Occupation.MILITARY, Occupation.OTHER],
            [34, 16, 12, 20 if level in (Level.COUNTY, Level.TOWNSHIP) else 8, 14, 1, 3],
        )[0]
        work_unit, title = self._job(occupation, home, place_name)
        self.people += 1
        return Person(self._id_number(home, birth, male), self._name(), Gender.MALE if male else Gender.FEMALE, ethnicity,
                      birth, party, occupation, work_unit, title, self._phone(), home)

    def _job(self, occupation, home, place):
        rng = self.rng
        if occupation == Occupation.OFFICIAL:
            return rng.choice([(f"中共{place}委员会", "书记"), (f"{place}人民政府", rng.choice(["县长", "副县长", "镇长", "局长"])),
                               (f"{place}人大常委会", "主任"), (f"{place}发展和改革局", "局长")])
        if occupation == Occupation.ENTERPRISE:
            return (f"湖南{rng.choice(['湘江', '三湘', '洞庭', '岳麓', '芙蓉', '潇湘', '衡山'])}"
                    f"{rng.choice(['建设', '农业', '科技', '机械', '食品', '物流', '新材料'])}有限公司",
                    rng.choice(["董事长", "总经理", "党委书记"]))
        if occupation == Occupation.WORKER:
            return (f"{home.name}{rng.choice(['电力', '机械', '纺织', '烟草', '钢铁'])}厂", rng.choice(["技术员", "车间主任", "高级技师"]))
        if occupation == Occupation.FARMER:
            return (f"{place}{rng.choice(TOWN_NAMES)}村", rng.choice(["村党总支书记", "村民委员会主任", "种粮大户", "合作社理事长"]))
        if occupation == Occupation.PROFESSIONAL:
            return rng.choice([(f"{home.name}人民医院", "主任医师"), (f"{home.name}第一中学", "高级教师"),
                               ("中南大学", "教授"), ("湖南大学", "教授"), (f"{home.name}农业技术推广中心", "农艺师")])
        if occupation == Occupation.MILITARY:
            return ("中国人民解放军驻湘部队", "干部")
        return (f"{home.name}{rng.choice(['律师事务所', '社区居委会', '供销社'])}", rng.choice(["律师", "主任", "职工"]))

    # -- rows --------------------------------------------------------------
    def _row(self, person, area, level, eu=None, delegation=None):
        term = self.p.term[area.code]
        congress = self.p.congress[area.code]
        self.cards[area.code] = self.cards.get(area.code, 0) + 1
        status, end = MandateStatus.SERVING, None
        roll = self.rng.random()
        if roll < 0.01:
            status, end = MandateStatus.RESIGNED, term.start_date + datetime.timedelta(days=self.rng.randrange(200, 1200))
        elif roll < 0.012:
            status, end = MandateStatus.DECEASED, term.start_date + datetime.timedelta(days=self.rng.randrange(200, 1200))
        labels = self.labels
        return [
            person.id_number, person.name, str(labels["gender"][person.gender]), person.ethnicity, person.birth_date,
            str(labels["party"][person.party]), str(labels["occupation"][person.occupation]), person.work_unit,
            person.title, person.phone, area.code, str(labels["level"][level]), congress.name, term.number,
            eu.name if eu else "", delegation or "", f"{area.code[:6]}{term.number:02d}{self.cards[area.code]:05d}",
            str(labels["status"][status]), term.start_date, end, "是" if self.rng.random() < 0.6 else "否",
        ]

    def rows(self):
        """Yields one row per mandate, top level first."""
        p, plan, rng = self.p, self.plan, self.rng
        all_counties = [c for pref in p.prefectures for c in p.counties[pref.code]]

        def elected_higher(person, county):
            self.pool.setdefault(county.code, []).append(person)

        # National deputies elected by the provincial congress.
        for _ in range(plan.national):
            home = rng.choice(all_counties)
            person = self.person(home, Level.NATIONAL, home.name)
            elected_higher(person, home)
            yield self._row(person, p.country, Level.NATIONAL, p.eus[COUNTRY[0]][0], p.delegation_for[(COUNTRY[0], PROVINCE[0])])
        # Provincial deputies elected by the prefecture congresses (and the army).
        prov_eus = {eu.area.code: eu for eu in p.eus[PROVINCE[0]] if eu.area_id}
        army = [eu for eu in p.eus[PROVINCE[0]] if eu.kind == ElectoralUnitKind.OTHER][0]
        for n in range(plan.provincial):
            prefecture = p.prefectures[n % len(p.prefectures)]
            if n % 40 == 39:
                person = self.person(rng.choice(all_counties), Level.PROVINCIAL, "湖南省")
                person.occupation, person.work_unit, person.title = Occupation.MILITARY, "中国人民解放军驻湘部队", "干部"
                yield self._row(person, p.province, Level.PROVINCIAL, army, "解放军代表团")
                continue
            home = rng.choice(p.counties[prefecture.code])
            person = self.person(home, Level.PROVINCIAL, home.name)
            elected_higher(person, home)
            yield self._row(person, p.province, Level.PROVINCIAL, prov_eus[prefecture.code],
                            p.delegation_for[(PROVINCE[0], prefecture.code)])
        # Prefecture deputies elected by the county congresses.
        for prefecture in p.prefectures:
            counties = p.counties[prefecture.code]
            eus = {eu.area.code: eu for eu in p.eus[prefecture.code]}
            for n in range(plan.per_prefecture):
                county = counties[n % len(counties)]
                person = self.person(county, Level.PREFECTURE, county.name)
                elected_higher(person, county)
                yield self._row(person, prefecture, Level.PREFECTURE, eus[county.code], p.delegation_for[(prefecture.code, county.code)])
        # County deputies, elected directly; some already sit higher up.
        for county in all_counties:
            constituencies = p.eus[county.code]
            pool = self.pool.get(county.code, [])
            for n in range(plan.per_county):
                if pool and rng.random() < plan.reuse:
                    person = pool.pop()
                else:
                    person = self.person(county, Level.COUNTY, county.name)
                self.county_pool.setdefault(county.code, []).append(person)
                eu = constituencies[n % len(constituencies)]
                delegation = p.delegation_for.get((county.code, eu.area.code)) if eu.area_id else None
                yield self._row(person, county, Level.COUNTY, eu, delegation)
        # Township deputies, elected directly; seats are added round the
        # townships until the plan's number of people is reached.
        townships = [t for c in all_counties for t in p.townships.get(c.code, [])]
        if not townships:
            return
        seat = 0
        while True:
            if plan.people is None and seat >= plan.per_township * len(townships):
                break
            if plan.people is not None and self.people >= plan.people:
                break
            township = townships[seat % len(townships)]
            county = township.parent
            pool = self.county_pool.get(county.code, [])
            if pool and rng.random() < 0.05 and seat < len(townships) * 2:
                person = pool.pop()
            else:
                person = self.person(county, Level.TOWNSHIP, township.name)
            eu = p.eus[township.code][(seat // len(townships)) % TOWNSHIP_CONSTITUENCIES]
            yield self._row(person, township, Level.TOWNSHIP, eu)
            seat += 1


def header():
    return [c.header for c in COLUMNS]


# ---------------------------------------------------------------------------
# Handling units, deputy groups, demo logins

# (name, short name, kind, parent short name or None)
HANDLING_UNITS = [
    ("湖南省发展和改革委员会", "省发展改革委", "government", None),
    ("湖南省教育厅", "省教育厅", "government", None),
    ("湖南省科学技术厅", "省科技厅", "government", None),
    ("湖南省工业和信息化厅", "省工业和信息化厅", "government", None),
    ("湖南省民族宗教事务委员会", "省民宗委", "government", None),
    ("湖南省公安厅", "省公安厅", "government", None),
    ("湖南省民政厅", "省民政厅", "government", None),
    ("湖南省司法厅", "省司法厅", "government", None),
    ("湖南省财政厅", "省财政厅", "government", None),
    ("湖南省人力资源和社会保障厅", "省人力资源社会保障厅", "government", None),
    ("湖南省自然资源厅", "省自然资源厅", "government", None),
    ("湖南省生态环境厅", "省生态环境厅", "government", None),
    ("湖南省住房和城乡建设厅", "省住房城乡建设厅", "government", None),
    ("湖南省交通运输厅", "省交通运输厅", "government", None),
    ("湖南省水利厅", "省水利厅", "government", None),
    ("湖南省农业农村厅", "省农业农村厅", "government", None),
    ("湖南省商务厅", "省商务厅", "government", None),
    ("湖南省文化和旅游厅", "省文化和旅游厅", "government", None),
    ("湖南省卫生健康委员会", "省卫生健康委", "government", None),
    ("湖南省退役军人事务厅", "省退役军人事务厅", "government", None),
    ("湖南省应急管理厅", "省应急管理厅", "government", None),
    ("湖南省审计厅", "省审计厅", "government", None),
    ("湖南省人民政府外事办公室", "省政府外办", "government", None),
    ("湖南省人民政府国有资产监督管理委员会", "省国资委", "government", None),
    ("湖南省市场监督管理局", "省市场监管局", "government", None),
    ("湖南省广播电视局", "省广电局", "government", None),
    ("湖南省体育局", "省体育局", "government", None),
    ("湖南省统计局", "省统计局", "government", None),
    ("湖南省医疗保障局", "省医保局", "government", None),
    ("湖南省林业局", "省林业局", "government", None),
    ("湖南省机关事务管理局", "省机关事务局", "government", None),
    ("湖南省信访局", "省信访局", "government", None),
    ("湖南省粮食和物资储备局", "省粮食和储备局", "government", None),
    ("湖南省能源局", "省能源局", "government", None),
    ("湖南省药品监督管理局", "省药监局", "government", None),
    ("湖南省人民防空办公室", "省人防办", "government", None),
    ("湖南省数据局", "省数据局", "government", None),
    ("湖南省公路事务中心", "省公路事务中心", "government", "省交通运输厅"),
    ("湖南省水运事务中心", "省水运事务中心", "government", "省交通运输厅"),
    ("湖南省道路运输服务中心", "省道路运输服务中心", "government", "省交通运输厅"),
    ("湖南省疾病预防控制中心", "省疾控中心", "government", "省卫生健康委"),
    ("湖南省高级人民法院", "省高级人民法院", "court", None),
    ("湖南省人民检察院", "省人民检察院", "procuratorate", None),
    ("国网湖南省电力有限公司", "国网湖南电力", "state_company", None),
    ("中国移动通信集团湖南有限公司", "湖南移动", "state_company", None),
    ("中国电信股份有限公司湖南分公司", "湖南电信", "state_company", None),
    ("中国联合网络通信有限公司湖南省分公司", "湖南联通", "state_company", None),
    ("湖南省高速公路集团有限公司", "省高速集团", "state_company", None),
    ("湖南省机场管理集团有限公司", "省机场集团", "state_company", None),
    ("湖南省邮政管理局", "省邮政管理局", "other", None),
    ("湖南省气象局", "省气象局", "other", None),
    ("国家税务总局湖南省税务局", "省税务局", "other", None),
    ("中国人民银行湖南省分行", "人民银行湖南省分行", "other", None),
    ("国家金融监督管理总局湖南监管局", "湖南金融监管局", "other", None),
    ("湖南省通信管理局", "省通信管理局", "other", None),
    ("湖南省消防救援总队", "省消防救援总队", "other", None),
    ("长沙海关", "长沙海关", "other", None),
    ("湖南省供销合作总社", "省供销合作总社", "other", None),
    ("湖南省残疾人联合会", "省残联", "other", None),
    ("湖南省妇女联合会", "省妇联", "other", None),
    ("中共湖南省委宣传部", "省委宣传部", "party", None),
    ("中共湖南省委组织部", "省委组织部", "party", None),
]
CONTACT_POSITIONS = ("办公室主任", "建议提案办理联络员", "综合处处长")


def build_handling_units(province_area, rng):
    from .models import HandlingUnit, UnitContact

    units = {}
    for index, (name, short, kind, parent) in enumerate(HANDLING_UNITS, start=1):
        units[short] = HandlingUnit(name=name, short_name=short, code=f"HN{index:03d}", kind=kind, area=province_area)
    HandlingUnit.objects.bulk_create(units.values())
    children = []
    for _name, short, _kind, parent in HANDLING_UNITS:
        if parent:
            units[short].parent = units[parent]
            children.append(units[short])
    HandlingUnit.objects.bulk_update(children, ["parent"])
    contacts = []
    generator = DeputyGenerator(Province(), None, seed=rng.random())
    for unit in units.values():
        for n in range(1 if unit.parent_id else 2):
            contacts.append(UnitContact(unit=unit, name=generator._name(), position=CONTACT_POSITIONS[n],
                                        phone=generator._phone(), email=f"{unit.code.lower()}.{n + 1}@hunan.gov.example"))
    UnitContact.objects.bulk_create(contacts)
    return units


def build_deputy_groups(province, rng, per_county=1):
    """Mixed groups (混合编组) round a county: its county and township deputies
    and the higher-level deputies elected from it."""
    from .models import Deputy, DeputyGroup, DeputyGroupMembership, Mandate

    groups, memberships = [], []
    by_county = {}
    rows = Mandate.objects.values_list("deputy_id", "congress__area__code", "electoral_unit__area__code", "level")
    county_codes = {c.code for cs in province.counties.values() for c in cs}
    for deputy_id, congress_code, eu_code, level in rows.iterator(chunk_size=5000):
        for code in (congress_code, eu_code):
            if code and code[:6] + "000000" in county_codes:
                by_county.setdefault(code[:6] + "000000", set()).add(deputy_id)
    areas = {c.code: c for cs in province.counties.values() for c in cs}
    for code, deputy_ids in sorted(by_county.items()):
        members = sorted(deputy_ids)
        for n in range(per_county):
            chunk = members[n::per_county]
            if not chunk:
                continue
            group = DeputyGroup(name=f"{areas[code].name}第{'一二三四五六七八九十'[n % 10]}代表小组", area=areas[code],
                                leader_id=rng.choice(chunk))
            groups.append((group, chunk))
    DeputyGroup.objects.bulk_create([g for g, _m in groups])
    for group, chunk in groups:
        memberships.extend(DeputyGroupMembership(group=group, deputy_id=d, joined_on=datetime.date(2023, 3, 1)) for d in chunk)
    DeputyGroupMembership.objects.bulk_create(memberships, batch_size=5000)
    return len(groups), Deputy.objects.count()

"""Deputies across the five levels: areas, congresses, terms, sessions, the
person once with a mandate per level and term, delegations, deputy groups and
the handling units that answer suggestions."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext, gettext_lazy as _, pgettext
from simple_history.models import HistoricalRecords

from congress_portal.uploads import stored_name, validate_image_file

from .validators import birth_date_from_id_number, validate_id_number, validate_mobile

CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_number(n):
    """1 -> 一, 14 -> 十四, 20 -> 二十 (enough for terms and sessions)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def english_ordinal(n):
    """1 -> 1st, 2 -> 2nd, 3 -> 3rd, 11 -> 11th, 14 -> 14th, 22 -> 22nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal_number(n):
    """The number of a term or session as the reader's language writes it: 十四 in
    Chinese (第十四届), 14th otherwise (the 14th ... People's Congress)."""
    return chinese_number(n) if (get_language() or "zh-hans").startswith("zh") else english_ordinal(n)


class Level(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省")
    PREFECTURE = "prefecture", _("设区的市、自治州")
    COUNTY = "county", _("县、市辖区、不设区的市")
    TOWNSHIP = "township", _("乡、镇")


# What officers call a deputy of each level (the legal level names run together on a page).
DEPUTY_TITLES = {
    Level.NATIONAL: _("全国人大代表"),
    Level.PROVINCIAL: _("省人大代表"),
    Level.PREFECTURE: _("市人大代表"),
    Level.COUNTY: _("县人大代表"),
    Level.TOWNSHIP: _("乡镇人大代表"),
}


# Deputies of these levels are elected by the congress one level down;
# the others are elected directly in constituencies.
INDIRECTLY_ELECTED_LEVELS = (Level.NATIONAL, Level.PROVINCIAL, Level.PREFECTURE)


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("国家")
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")


AREA_KIND_FOR_LEVEL = {
    Level.NATIONAL: AreaKind.COUNTRY,
    Level.PROVINCIAL: AreaKind.PROVINCE,
    Level.PREFECTURE: AreaKind.PREFECTURE,
    Level.COUNTY: AreaKind.COUNTY,
    Level.TOWNSHIP: AreaKind.TOWNSHIP,
}


class AdministrativeArea(models.Model):
    """An area of the administrative division tree, with its official code
    (12 digits: GB/T 2260 plus the township part)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("级别"), max_length=16, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Codes of the ancestors and itself, "/"-joined: descendants are a prefix query.
    path = models.CharField(_("区划路径"), max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code
        super().save(*args, **kwargs)


class Congress(models.Model):
    """A people's congress of one area at one level."""

    area = models.ForeignKey(AdministrativeArea, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="congresses")
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        constraints = [models.UniqueConstraint(fields=["area", "level"], name="one_congress_per_area_level")]
        ordering = ["area__code", "level"]

    def __str__(self):
        return self.name

    @property
    def place(self):
        """The congress's name without 人民代表大会 (湖南省), for 湖南省第十四届人民代表大会."""
        suffix = "人民代表大会"
        return self.name[: -len(suffix)] if self.name.endswith(suffix) else self.name


class Term(models.Model):
    """A 届: five years of a congress."""

    congress = models.ForeignKey(Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="unique_term_number")]
        ordering = ["congress_id", "-number"]

    def __str__(self):
        # 湖南省第十四届人民代表大会, not 湖南省人民代表大会第十四届.
        return pgettext("ordinal", "%(place)s第%(number)s届人民代表大会") % {"place": self.congress.place, "number": ordinal_number(self.number)}

    @property
    def label(self):
        return pgettext("ordinal", "第%(number)s届") % {"number": ordinal_number(self.number)}


class Session(models.Model):
    """A plenary (次会议) of a term, one a year, e.g. 十四届二次会议."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("会次"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))
    handling_period_end = models.DateField(_("建议办理期限截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="unique_session_number")]
        ordering = ["-year", "-number"]

    def __str__(self):
        return pgettext("ordinal", "%(term)s第%(number)s次会议") % {"term": self.term, "number": ordinal_number(self.number)}


class ElectoralUnitKind(models.TextChoices):
    LOWER_CONGRESS = "lower_congress", _("下一级人民代表大会")
    CONSTITUENCY = "constituency", _("选区")
    OTHER = "other", _("其他选举单位")


class ElectoralUnit(models.Model):
    """Who elected a deputy: the congress one level down (national, provincial,
    prefecture deputies) or a constituency (county and township deputies)."""

    congress = models.ForeignKey(Congress, verbose_name=_("所属人大"), on_delete=models.PROTECT, related_name="electoral_units")
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=ElectoralUnitKind.choices)
    electing_congress = models.ForeignKey(
        Congress, verbose_name=_("选举该代表的人大"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(AdministrativeArea, verbose_name=_("区域"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("选举单位/选区")
        verbose_name_plural = _("选举单位/选区")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="unique_electoral_unit_name")]
        ordering = ["congress_id", "name"]

    def __str__(self):
        return self.name


class Delegation(models.Model):
    """The 代表团 deputies sit in at a session."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="delegations")
    name = models.CharField(_("名称"), max_length=64)
    area = models.ForeignKey(AdministrativeArea, verbose_name=_("区域"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # 全团建议: drafted by the delegation's contact, approved by its head.
    head = models.ForeignKey(
        "Deputy", verbose_name=_("团长"), on_delete=models.SET_NULL, null=True, blank=True, related_name="delegations_headed"
    )
    contact = models.ForeignKey(
        "Deputy", verbose_name=_("联络员"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="delegations_as_contact", help_text=_("代表团的联络员代表，起草全团建议。"),
    )

    class Meta:
        verbose_name = _("代表团")
        verbose_name_plural = _("代表团")
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="unique_delegation_name")]
        ordering = ["term_id", "name"]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Party(models.TextChoices):
    CPC = "cpc", _("中共")
    RCCK = "rcck", _("民革")
    CDL = "cdl", _("民盟")
    CNDCA = "cndca", _("民建")
    CAPD = "capd", _("民进")
    CPWDP = "cpwdp", _("农工党")
    CZGP = "czgp", _("致公党")
    JS = "jiusan", _("九三学社")
    TDSGL = "tdsgl", _("台盟")
    NONE = "none", _("无党派")


class Occupation(models.TextChoices):
    OFFICIAL = "official", _("党政领导干部")
    ENTERPRISE = "enterprise", _("企业负责人")
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    MILITARY = "military", _("解放军和武警")
    OTHER = "other", _("其他")


class DeputyQuerySet(models.QuerySet):
    def serving(self):
        return self.filter(mandates__status=MandateStatus.SERVING).distinct()


def deputy_photo_path(instance, filename):
    return stored_name("deputies/photos", filename)


class Deputy(models.Model):
    """A person, kept once however many mandates they hold."""

    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=16, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    party = models.CharField(_("党派"), max_length=16, choices=Party.choices, default=Party.NONE)
    occupation = models.CharField(_("职业类别"), max_length=16, choices=Occupation.choices, default=Occupation.OTHER)
    work_unit = models.CharField(_("工作单位"), max_length=128, blank=True)
    title = models.CharField(_("职务"), max_length=128, blank=True)
    # Personal data: staff only, never public, never filterable or sortable outside staff views.
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True, validators=[validate_id_number])
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    photo = models.ImageField(_("照片"), upload_to=deputy_photo_path, blank=True, validators=[validate_image_file])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="deputy"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DeputyQuerySet.as_manager()
    # Personal data changes need an audit trail (who changed a phone, when).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
            birth = birth_date_from_id_number(self.id_number)
            if self.birth_date and birth and birth != self.birth_date:
                raise ValidationError({"birth_date": _("出生日期与身份证号码不一致。")})
            if not self.birth_date:
                self.birth_date = birth


class MandateStatus(models.TextChoices):
    SERVING = "serving", _("在任")
    RESIGNED = "resigned", _("辞职")
    RECALLED = "recalled", _("罢免")
    ENDED = "ended", _("终止")
    DECEASED = "deceased", _("去世")


LEVEL_RANK = {value: rank for rank, value in enumerate(Level.values)}  # national first


class LevelRankField(models.PositiveSmallIntegerField):
    """The level's place in the order national -> township, written from
    ``level`` on every save and bulk insert (``pre_save``), so the directory
    can page in index order without a CASE over the whole table."""

    def pre_save(self, model_instance, add):
        value = LEVEL_RANK.get(model_instance.level, len(LEVEL_RANK))
        setattr(model_instance, self.attname, value)
        return value


class Mandate(models.Model):
    """One deputy's seat in one term of one congress."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="mandates")
    congress = models.ForeignKey(Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="mandates")
    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="mandates")
    # Copied from the congress so that lists filter by level without a join.
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True, editable=False)
    level_rank = LevelRankField(_("层级顺序"), default=len(LEVEL_RANK), editable=False)
    electoral_unit = models.ForeignKey(
        ElectoralUnit, verbose_name=_("选举单位/选区"), on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("代表团"), on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    card_number = models.CharField(_("代表证号"), max_length=32, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MandateStatus.choices, default=MandateStatus.SERVING, db_index=True)
    start_date = models.DateField(_("任期开始"))
    end_date = models.DateField(_("任期结束"), null=True, blank=True)
    # A deputy in their first term at this level (初任): induction training is for them.
    first_term = models.BooleanField(_("首次当选"), default=True)

    # Status changes (resigned, recalled...) need an audit trail.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="one_mandate_per_term"),
            models.UniqueConstraint(
                fields=["term", "card_number"], condition=~models.Q(card_number=""), name="unique_card_number_per_term"
            ),
        ]
        indexes = [
            models.Index(fields=["term", "status"]),
            # The public directory's keyset: serving mandates by level, congress, id.
            models.Index(
                fields=["level_rank", "congress", "id"], condition=models.Q(status="serving"),
                name="mandate_directory_order",
            ),
        ]
        ordering = ["deputy_id", "-start_date"]

    @property
    def deputy_title(self):
        """省人大代表, 县人大代表...: the words officers use."""
        return DEPUTY_TITLES.get(self.level, self.get_level_display())

    def __str__(self):
        return f"{self.deputy} · {self.term}"

    def save(self, *args, **kwargs):
        if self.congress_id and not self.level:
            self.level = self.congress.level
        super().save(*args, **kwargs)

    def clean(self):
        if self.term_id and self.congress_id and self.term.congress_id != self.congress_id:
            raise ValidationError({"term": _("届次不属于该人民代表大会。")})
        if self.congress_id:
            self.level = self.congress.level
        if self.delegation_id and self.term_id and self.delegation.term_id != self.term_id:
            raise ValidationError({"delegation": _("代表团不属于该届。")})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("任期结束日期早于开始日期。")})


class DeputyGroup(models.Model):
    """A 代表小组, usually a mixed group (混合编组) of deputies of all five levels
    around one place."""

    name = models.CharField(_("名称"), max_length=128, unique=True)
    area = models.ForeignKey(AdministrativeArea, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="deputy_groups")
    is_mixed = models.BooleanField(_("混合编组"), default=True)
    leader = models.ForeignKey(
        Deputy, verbose_name=_("组长"), on_delete=models.SET_NULL, null=True, blank=True, related_name="led_groups"
    )
    members = models.ManyToManyField(Deputy, verbose_name=_("成员"), through="DeputyGroupMembership", related_name="groups")

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeputyGroupMembership(models.Model):
    group = models.ForeignKey(DeputyGroup, verbose_name=_("代表小组"), on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="group_memberships")
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "deputy"], name="unique_group_member")]


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    STATE_COMPANY = "state_company", _("国有企业")
    PARTY = "party", _("党委部门")
    OTHER = "other", _("其他单位")


class HandlingUnit(models.Model):
    """A 承办单位: a department, court, procuratorate or company that handles
    suggestions. Units form a tree (a bureau under a department)."""

    name = models.CharField(_("单位名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    area = models.ForeignKey(AdministrativeArea, verbose_name=_("区域"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["code"]

    def __str__(self):
        return self.short_name or self.name


class UnitContact(models.Model):
    """A person at a unit who receives notices and reminders."""

    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=64)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receives_notices = models.BooleanField(_("接收通知"), default=True)

    class Meta:
        verbose_name = _("单位联系人")
        verbose_name_plural = _("单位联系人")

    def __str__(self):
        return f"{self.unit} · {self.name}"


class DeputyImport(models.Model):
    """One import of the deputies sheet: who, when, which file, what it did.

    People and mandates created by an import are recorded here, once per file,
    instead of one history row each (a province-sized file has 140,000 of
    them); what an import changes on existing records goes to their history."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    deputies_created = models.PositiveIntegerField(_("新增代表"), default=0)
    deputies_updated = models.PositiveIntegerField(_("更新代表"), default=0)
    mandates_created = models.PositiveIntegerField(_("新增代表资格"), default=0)
    mandates_updated = models.PositiveIntegerField(_("更新代表资格"), default=0)

    class Meta:
        verbose_name = _("代表名册导入记录")
        verbose_name_plural = _("代表名册导入记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name or _('导入')} · {self.created_at:%Y-%m-%d %H:%M}"

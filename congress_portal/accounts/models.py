from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入11位手机号码。"))


class Role(models.TextChoices):
    """The signed-in roles. The public is everyone not signed in."""

    STAFF = "staff", _("代表工作委员会工作人员")
    UNIT = "unit", _("承办单位")
    DEPUTY = "deputy", _("人大代表")
    KEEPER = "keeper", _("联络站管理员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, db_index=True)
    phone = models.CharField(
        _("手机号码"), max_length=11, blank=True, null=True, unique=True, validators=[mobile_validator]
    )
    # A handling-unit member belongs to exactly one unit.
    handling_unit = models.ForeignKey(
        "deputies.HandlingUnit",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    # The congress whose working body a staff account belongs to (the provincial
    # committee, a county's representative work office, a township presidium).
    # Empty on a staff account: the whole province (as a superuser).
    congress = models.ForeignKey(
        "deputies.Congress",
        verbose_name=_("所属人大"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_members",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="unit") | models.Q(handling_unit__isnull=False),
                name="unit_member_has_unit",
            )
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class FirstSignInCode(models.Model):
    """The one-time code a new account signs in with once, to set its own
    password (accounts created in bulk have no usable password). Only a keyed
    digest of the code is kept: the code itself is printed once, on the list
    handed to the delegation's contact."""

    user = models.OneToOneField(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="first_sign_in")
    code_digest = models.CharField(_("登录码摘要"), max_length=64, editable=False)
    issued_at = models.DateTimeField(_("生成时间"))
    issued_by = models.ForeignKey(
        User, verbose_name=_("生成人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("首次登录码")
        verbose_name_plural = _("首次登录码")

    def __str__(self):
        return str(self.user)

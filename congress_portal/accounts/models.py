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

"""What staff set and the suggestions refer to: the deadline policy, the
categories, the result categories, and the number counters."""
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SuggestionPolicy(models.Model):
    """The policy values provinces set differently; one row, edited by staff in
    the admin. ``SuggestionPolicy.current()`` returns it (created with the
    defaults of the 代表法 practice when missing)."""

    reassignment_window_working_days = models.PositiveSmallIntegerField(_("申请调整期限（工作日）"), default=5)
    co_opinion_months = models.PositiveSmallIntegerField(_("协办意见期限（月）"), default=1)
    reply_months = models.PositiveSmallIntegerField(_("答复期限（月）"), default=3)
    max_reply_months = models.PositiveSmallIntegerField(_("延期后最长答复期限（月）"), default=6)
    rehandling_months = models.PositiveSmallIntegerField(_("重新办理期限（月）"), default=1)
    max_rehandlings = models.PositiveSmallIntegerField(_("最多重新办理次数"), default=1)
    # Units with fewer rated replies are listed apart in the league table, not ranked.
    min_rated_for_ranking = models.PositiveSmallIntegerField(_("参加排名的最少测评件数"), default=3)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("建议办理期限设置")
        verbose_name_plural = _("建议办理期限设置")

    def __str__(self):
        return str(_("建议办理期限设置"))

    @classmethod
    def current(cls):
        policy = cls.objects.order_by("pk").first()
        return policy or cls.objects.create()


class SuggestionCategory(models.Model):
    """经济、农业、教育、卫生、交通…: data staff edit."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class ResultCategory(models.Model):
    """办理结果类别 A/B/C/D by default; data staff edit."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    # A/B promise something: these are the usual subjects of a follow-up review.
    promises_action = models.BooleanField(_("含办理承诺"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("办理结果类别")
        verbose_name_plural = _("办理结果类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class NumberCounter(models.Model):
    """The last number given within a session or a year; locked while a number
    is handed out so that two registrations never share one."""

    scope = models.CharField(max_length=32, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("建议编号计数")
        verbose_name_plural = _("建议编号计数")

    def __str__(self):
        return f"{self.scope}: {self.last_number}"

    @classmethod
    def locked(cls, scope):
        """The counter of ``scope``, created if missing, locked until the end of the transaction."""
        try:
            with transaction.atomic():
                cls.objects.get_or_create(scope=scope)
        except IntegrityError:  # created by a concurrent caller
            pass
        return cls.objects.select_for_update().get(scope=scope)

    @classmethod
    def take_next(cls, scope):
        """The next number of ``scope`` (inside the caller's transaction)."""
        counter = cls.locked(scope)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number

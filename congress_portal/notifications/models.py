"""Notifications: the in-app inbox message that is also the exactly-once record,
its deliveries over email and SMS, recipients' channel choices and the reminder
policy staff edit in the admin.

Exactly once: a Notification is unique per (recipient, kind, item, stage or
period). Whatever finds something to say (the periodic scan, the monthly
notice, a suggestion event) inserts Notification rows with ON CONFLICT DO
NOTHING and creates the Delivery rows of the new ones in the same transaction;
sending is queued after commit. Running a scan twice, or two beats at once,
therefore says nothing twice.
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def parse_days(value):
    """"30,7,1" -> [30, 7, 1] (sorted from the largest)."""
    days = sorted({int(part) for part in str(value).replace("，", ",").split(",") if part.strip()}, reverse=True)
    return days


def validate_days(value):
    try:
        days = parse_days(value)
    except ValueError:
        raise ValidationError(_("请填写以逗号分隔的天数，例如 30，7，1。")) from None
    if any(day < 0 or day > 366 for day in days):
        raise ValidationError(_("天数应在 0 到 366 之间。"))


class NotificationPolicy(models.Model):
    """The reminder and notice policy: one row (pk=1) staff edit in the admin.

    The defaults are domain.md's; provinces change them without a deploy."""

    reply_due_days = models.CharField(
        _("答复期限前提醒（天）"), max_length=64, default="30,7,1", validators=[validate_days],
        help_text=_("距答复期限的天数，以逗号分隔，例如 30，7，1。"),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("逾期后催办间隔（天）"), default=7, help_text=_("逾期后每隔多少天催办一次；0 表示逾期后不再催办。")
    )
    acknowledgement_after_days = models.CharField(
        _("待签收提醒（交办后天数）"), max_length=64, default="2,4", validators=[validate_days]
    )
    co_opinion_due_days = models.CharField(
        _("协办意见期限前提醒（天）"), max_length=64, default="7,1", validators=[validate_days]
    )
    rehandling_due_days = models.CharField(
        _("重新办理期限前提醒（天）"), max_length=64, default="7,1", validators=[validate_days]
    )
    second_reply_due_days = models.CharField(
        _("二次答复期限前提醒（天）"), max_length=64, default="7,1", validators=[validate_days]
    )
    station_feedback_due_days = models.CharField(
        _("联络站转办反馈期限前提醒（天）"), max_length=64, default="3,1", validators=[validate_days]
    )
    cosign_after_days = models.CharField(
        _("附议邀请待确认提醒（邀请后天数）"), max_length=64, default="3", validators=[validate_days]
    )
    rating_after_days = models.CharField(
        _("答复待测评提醒（答复后天数）"), max_length=64, default="7,14", validators=[validate_days]
    )
    monthly_notice_day = models.PositiveSmallIntegerField(
        _("月度进度通报日"), default=5, help_text=_("每月几号发送进度通报（1–28）。")
    )
    max_send_attempts = models.PositiveSmallIntegerField(_("发送最多尝试次数"), default=5)
    retry_backoff_minutes = models.PositiveSmallIntegerField(
        _("重试间隔（分钟）"), default=5, help_text=_("第 n 次失败后等待 间隔×2^（n-1） 分钟再试。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提醒与通报设置")
        verbose_name_plural = _("提醒与通报设置")

    def __str__(self):
        return str(_("提醒与通报设置"))

    def clean(self):
        if not 1 <= self.monthly_notice_day <= 28:
            raise ValidationError({"monthly_notice_day": _("通报日应在 1 到 28 之间。")})

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    def days(self, field):
        return parse_days(getattr(self, field))


class ChannelPreference(models.Model):
    """Which channels a user wants besides the inbox (which is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="channel_preference"
    )
    email = models.BooleanField(_("接收邮件"), default=True)
    sms = models.BooleanField(_("接收短信"), default=True)

    class Meta:
        verbose_name = _("通知渠道偏好")
        verbose_name_plural = _("通知渠道偏好")

    def __str__(self):
        return str(self.user)


class Kind(models.TextChoices):
    ACKNOWLEDGEMENT_PENDING = "ack_pending", _("待签收提醒")
    CO_OPINION_DUE = "co_opinion_due", _("协办意见到期提醒")
    REPLY_DUE = "reply_due", _("答复到期提醒")
    REPLY_OVERDUE = "reply_overdue", _("逾期未答复催办")
    REHANDLING_DUE = "rehandling_due", _("重新办理到期提醒")
    SECOND_REPLY_DUE = "second_reply_due", _("二次答复到期提醒")
    STATION_FEEDBACK_DUE = "station_feedback_due", _("联络站转办反馈提醒")
    COSIGN_PENDING = "cosign_pending", _("附议邀请待确认")
    RATING_PENDING = "rating_pending", _("答复待测评")
    SUGGESTION_EVENT = "suggestion_event", _("建议办理动态")
    STATION_ISSUE_EVENT = "station_issue_event", _("联络站转办事项动态")
    PROGRESS_NOTICE = "progress_notice", _("月度进度通报")
    PROGRESS_SUMMARY = "progress_summary", _("月度进度通报汇总")
    RESULTS_NOTICE = "results_notice", _("办理结果通报")
    RESULTS_SUMMARY = "results_summary", _("办理结果通报汇总")
    PROJECT_REPORT_DUE = "project_report_due", _("民生实事项目进展报告提醒")
    TRAINING_ENROLMENT = "training_enrolment", _("培训报名通知")
    LETTER_EVENT = "letter_event", _("代表来信办理动态")
    LETTER_DUE = "letter_due", _("代表来信答复提醒")
    MOTION_EVENT = "motion_event", _("议案办理动态")
    # To the person who raised a station issue (no account: an SMS to the mobile left on the issue).
    STATION_CONSTITUENT = "station_constituent", _("群众反映问题办理告知")
    STATION_BOOKING = "station_booking", _("联络站预约见面")


# Kinds whose message carries an Excel attachment built from the stored snapshot.
KINDS_WITH_ATTACHMENT = {Kind.PROGRESS_NOTICE, Kind.PROGRESS_SUMMARY, Kind.RESULTS_NOTICE, Kind.RESULTS_SUMMARY}


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user's inbox: addressed to them, to their unit or to them as a deputy."""
        from congress_portal.accounts import roles

        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = models.Q(recipient_user=user)
        unit_id = roles.unit_id_of(user)
        if unit_id:
            condition |= models.Q(recipient_unit_id=unit_id)
        deputy = roles.deputy_of(user)
        if deputy is not None:
            condition |= models.Q(recipient_deputy=deputy)
        return self.filter(condition)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a recipient's inbox, and the record that it was said.

    The recipient is a handling unit (its members read it, its notice contacts
    get email and SMS), a deputy or a user (staff), or a person without an
    account ("constituent:<issue id>", SMS only, no inbox). ``recipient_key`` is the
    one column the uniqueness rule uses ("unit:5", "deputy:7", "user:3").
    The text is rendered from ``templates/notifications/messages/<kind>.txt``
    with the stored ``context``, so the stored row is the snapshot."""

    recipient_key = models.CharField(_("收件人标识"), max_length=32, editable=False)
    # No single-column indexes on the recipients, the kind or the batch: the
    # inbox indexes below lead with the recipient (they serve the foreign keys
    # too), and every index is paid for on each row the scan inserts.
    recipient_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", db_index=False,
    )
    recipient_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        db_index=False,
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    item_type = models.CharField(_("事项类型"), max_length=32)
    item_id = models.BigIntegerField(_("事项编号"), default=0)
    stage = models.CharField(_("阶段/期次"), max_length=32, default="")
    context = models.JSONField(_("内容数据"), default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The call that inserted the row: lets the portable insert (bulk_create
    # with ignore_conflicts, SQLite in the demo) find the rows it really
    # created. PostgreSQL uses INSERT ... RETURNING and leaves it empty.
    batch = models.UUIDField(_("发送批次"), editable=False, null=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "kind", "item_type", "item_id", "stage"], name="notification_said_once"
            ),
            # A person without an account (the constituent who raised a station
            # issue, keyed by the issue; who booked a meeting, keyed by the
            # booking) has no inbox: the key alone names them.
            models.CheckConstraint(
                condition=models.Q(recipient_unit__isnull=False)
                | models.Q(recipient_deputy__isnull=False)
                | models.Q(recipient_user__isnull=False)
                | models.Q(recipient_key__startswith="constituent:")
                | models.Q(recipient_key__startswith="booker:"),
                name="notification_has_recipient",
            ),
        ]
        # Partial: a row has one recipient, so it enters one inbox index, not
        # three (two of them with a NULL key no inbox ever reads).
        indexes = [
            models.Index(fields=["recipient_unit", "-created_at"], name="notif_unit_inbox",
                         condition=models.Q(recipient_unit__isnull=False)),
            models.Index(fields=["recipient_deputy", "-created_at"], name="notif_deputy_inbox",
                         condition=models.Q(recipient_deputy__isnull=False)),
            models.Index(fields=["recipient_user", "-created_at"], name="notif_user_inbox",
                         condition=models.Q(recipient_user__isnull=False)),
            # The scan's catch-up asks "was this suggestion event said?" without knowing to whom.
            models.Index(fields=["item_id", "stage"], name="notif_suggestion_event",
                         condition=models.Q(kind="suggestion_event")),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None

    def _rendered(self):
        if not hasattr(self, "_rendered_cache"):
            from .messages import render_message

            self._rendered_cache = render_message(self)
        return self._rendered_cache

    @property
    def subject(self):
        return self._rendered().subject

    @property
    def body(self):
        return self._rendered().body

    @property
    def sms_text(self):
        return self._rendered().sms

    @property
    def has_attachment(self):
        return self.kind in KINDS_WITH_ATTACHMENT


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    RETRY = "retry", _("待重试")
    # Claimed by a worker (committed) and being handed to the channel; the
    # result is recorded in a transaction of its own afterwards.
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    # A claim whose result was never recorded and whose channel cannot say
    # whether it was handed over: staff check before anything is resent.
    UNKNOWN = "unknown", _("待核实")


class Delivery(models.Model):
    """One send of a notification over email or SMS to one address.

    ``key`` goes to the backend as the idempotency key (email Message-ID, the
    SMS gateway's client message id), the same on every attempt. A send is
    claimed (``sending``, ``claimed_at``, ``attempts`` + 1) in a committed
    transaction before the channel is called, outside any transaction; the
    result is recorded afterwards. A claim left behind is reconciled by the
    key, never resent on sight (``sending.reconcile_stale_claims``)."""

    key = models.UUIDField(_("幂等键"), default=uuid.uuid4, unique=True, editable=False)
    # Indexed by delivery_once_per_address, which leads with the notification.
    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    # Personal data (phone, email): shown in the staff admin only.
    address = models.CharField(_("地址"), max_length=254)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("最近领取时间"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel", "address"], name="delivery_once_per_address"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class ScanWatermark(models.Model):
    """The last day the daily scan covered, per kind of reminder (a key the
    app's notices choose, e.g. "suggestions.reply"). A reminder stage begins
    when the day crosses a threshold of an item's dates (due date − 7 days,
    assigned date + 5 days...), so the next scan need only look at items whose
    threshold fell in (scanned_day, today]. Written in the same transaction as
    the scan's notifications (``registry.scan``)."""

    key = models.CharField(_("提醒类别"), max_length=64, primary_key=True)
    scanned_day = models.DateField(_("已扫描至"))
    scanned_at = models.DateTimeField(_("扫描时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提醒扫描进度")
        verbose_name_plural = _("提醒扫描进度")

    def __str__(self):
        return f"{self.key} · {self.scanned_day}"

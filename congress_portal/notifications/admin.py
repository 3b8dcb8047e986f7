from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ChannelPreference, Delivery, DeliveryStatus, Notification, NotificationPolicy


@admin.register(NotificationPolicy)
class NotificationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "reply_due_days", "overdue_every_days", "monthly_notice_day", "updated_at")
    fieldsets = (
        (_("承办单位提醒"), {"fields": (
            "acknowledgement_after_days", "co_opinion_due_days", "reply_due_days", "overdue_every_days",
            "rehandling_due_days", "second_reply_due_days", "station_feedback_due_days",
        )}),
        (_("代表提醒"), {"fields": ("cosign_after_days", "rating_after_days")}),
        (_("进度通报"), {"fields": ("monthly_notice_day",)}),
        (_("发送"), {"fields": ("max_send_attempts", "retry_backoff_minutes")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not NotificationPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sms")
    list_filter = ("email", "sms")
    search_fields = ("user__username", "user__display_name")
    raw_id_fields = ("user",)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "address", "status", "attempts", "claimed_at", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject_display", "kind", "recipient_key", "stage", "created_at", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("recipient_key", "stage", "item_id", "recipient_unit__name", "recipient_deputy__name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "recipient_key", "recipient_unit", "recipient_deputy", "recipient_user", "kind", "item_type", "item_id",
        "stage", "context", "link", "created_at", "read_at", "subject_display", "body_display",
    )
    fields = readonly_fields
    inlines = [DeliveryInline]

    @admin.display(description=_("标题"))
    def subject_display(self, obj):
        return obj.subject

    @admin.display(description=_("正文"))
    def body_display(self, obj):
        return obj.body

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Staff see every send here; 待核实 (unknown) ones wait for their decision."""

    list_display = (
        "notification", "channel", "address", "status", "attempts", "claimed_at", "next_attempt_at", "sent_at",
    )
    list_filter = ("status", "channel", "created_at")
    search_fields = ("address", "key", "notification__recipient_key")
    list_select_related = ("notification",)
    readonly_fields = (
        "key", "notification", "channel", "address", "status", "attempts", "claimed_at", "next_attempt_at",
        "last_error", "created_at", "sent_at",
    )
    actions = ["retry_failed", "retry_unknown", "confirm_sent"]

    def has_add_permission(self, request):
        return False

    def _report(self, request, count):
        self.message_user(
            request, ngettext("已重新排队 %d 条。", "已重新排队 %d 条。", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("重新发送所选的失败记录"))
    def retry_failed(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            count += services.retry_delivery(delivery=delivery, actor=request.user)
        self._report(request, count)

    @admin.action(description=_("重新发送所选的待核实记录（可能已送达，重发可能使收件人收到两次，请先向短信平台或邮件服务器核实）"))
    def retry_unknown(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.UNKNOWN):
            count += services.retry_delivery(delivery=delivery, actor=request.user)
        self._report(request, count)
        if count:
            self.message_user(
                request,
                _("待核实记录可能已经送达：重新发送沿用原幂等键，支持幂等键的短信平台不会重复下发，其他渠道可能重复。"),
                messages.WARNING,
            )

    @admin.action(description=_("将所选的待核实记录标记为已送达（已向平台核实）"))
    def confirm_sent(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.UNKNOWN):
            count += services.confirm_delivery_sent(delivery=delivery, actor=request.user)
        self.message_user(
            request, ngettext("已标记 %d 条为已送达。", "已标记 %d 条为已送达。", count) % count, messages.SUCCESS
        )

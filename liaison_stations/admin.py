from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deputies import admin_scope

from . import services
from .models import (
    Activity,
    Booking,
    CheckIn,
    Issue,
    IssueCategory,
    IssueEvent,
    ModelStation,
    ReceptionRule,
    Station,
    StationPolicy,
    Stationing,
    Visit,
    Visitor,
)


class StationingInline(admin.TabularInline):
    model = Stationing
    raw_id_fields = ["deputy"]
    extra = 0


class ReceptionRuleInline(admin.StackedInline):
    model = ReceptionRule
    raw_id_fields = ["deputies"]
    extra = 0


@admin.register(Station)
class StationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "area", "address", "opening_hours", "is_active"]
    list_filter = ["kind", "is_active", "area__kind"]
    search_fields = ["name", "address", "area__name", "area__code"]
    raw_id_fields = ["area"]
    filter_horizontal = ["keepers"]
    inlines = [StationingInline, ReceptionRuleInline]
    list_select_related = ["area"]


@admin.register(Stationing)
class StationingAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "station", "since", "is_active"]
    list_filter = ["is_active", "station__kind"]
    search_fields = ["deputy__name", "station__name"]
    raw_id_fields = ["deputy", "station"]
    list_select_related = ["deputy", "station"]


@admin.register(ModelStation)
class ModelStationAdmin(admin.ModelAdmin):
    list_display = ["year", "station", "score", "designated_by", "designated_at"]
    list_filter = ["year", "station__kind"]
    search_fields = ["station__name"]
    raw_id_fields = ["station"]
    readonly_fields = ["designated_by", "designated_at"]
    list_select_related = ["station", "designated_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.designated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StationPolicy)
class StationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "feedback_days", "message_rate_limit", "message_max_length", "updated_at"]

    def has_add_permission(self, request):
        return not StationPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceptionRule)
class ReceptionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["station", "title", "frequency", "describe", "start_time", "end_time", "is_active"]
    list_filter = ["frequency", "is_active", "weekday"]
    search_fields = ["station__name", "title"]
    raw_id_fields = ["station", "deputies"]
    list_select_related = ["station"]

    @admin.display(description=_("规则"))
    def describe(self, obj):
        return obj.describe()


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "station", "kind", "starts_at", "handling_unit", "participants"]
    list_filter = ["kind", "starts_at"]
    search_fields = ["title", "station__name"]
    raw_id_fields = ["station", "deputies", "handling_unit", "recorded_by"]
    date_hierarchy = "starts_at"
    list_select_related = ["station", "handling_unit"]


class VisitorInline(admin.TabularInline):
    model = Visitor
    extra = 0


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["station", "received_on", "people_count", "recorded_by"]
    list_filter = ["received_on", "station__kind"]
    search_fields = ["station__name", "summary"]
    raw_id_fields = ["station", "deputies", "activity", "recorded_by"]
    date_hierarchy = "received_on"
    inlines = [VisitorInline]
    list_select_related = ["station", "recorded_by"]


@admin.register(IssueCategory)
class IssueCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class IssueEventInline(admin.TabularInline):
    model = IssueEvent
    extra = 0
    can_delete = False
    fields = ["at", "move_label", "old_status", "new_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    """Status is read-only here: it moves only through the services (see the actions)."""

    list_display = ["__str__", "station", "source", "category", "status", "forwarded_unit", "feedback_due_on", "created_at"]
    list_filter = ["status", "source", "category", "station__kind", "forwarded_unit"]
    search_fields = ["content", "station__name"]
    raw_id_fields = ["station", "visit", "addressed_to", "forwarded_unit", "feedback_by", "taken_up_by", "created_by"]
    # The person's rating is theirs: given on the status page only, never typed in here.
    readonly_fields = ["status", "forwarded_at", "feedback_at", "feedback_by", "resolved_at", "suggestion",
                       "taken_up_by", "rating", "rating_comment", "rated_at"]
    date_hierarchy = "created_at"
    inlines = [IssueEventInline]
    actions = ["close_selected"]
    list_select_related = ["station", "category", "forwarded_unit"]

    @admin.action(description=_("办结所选问题（保留已有办理结果）"))
    def close_selected(self, request, queryset):
        done = 0
        for issue in queryset.select_related("station"):
            try:
                services.close_issue(issue=issue, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{issue}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.WARNING)
        self.message_user(request, _("已办结%(n)d个问题。") % {"n": done})


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """扫码进站 records: made by the deputies' scans only."""

    list_display = ["on_date", "station", "deputy", "at"]
    list_filter = ["on_date"]
    search_fields = ["station__name", "deputy__name"]
    list_select_related = ["station", "deputy"]
    date_hierarchy = "on_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Status is read-only: keepers confirm or decline on the station's bookings page."""

    list_display = ["on_date", "station", "deputy", "status", "created_at"]
    list_filter = ["status", "on_date"]
    search_fields = ["station__name", "deputy__name"]
    list_select_related = ["station", "deputy"]
    raw_id_fields = ["station", "deputy"]
    readonly_fields = ["status", "reply", "created_at"]


# A congress's staff see their own congress's stations and what happens at them (deputies/admin_scope.py).
admin_scope.scope_admins(admin.site, {
    Station: admin_scope.by_congress(),
    Stationing: admin_scope.by_congress("station__congress"),
    ModelStation: admin_scope.by_congress("station__congress"),
    ReceptionRule: admin_scope.by_congress("station__congress"),
    Activity: admin_scope.by_congress("station__congress"),
    Visit: admin_scope.by_congress("station__congress"),
    Issue: admin_scope.by_congress("station__congress"),
    CheckIn: admin_scope.by_congress("station__congress"),
    Booking: admin_scope.by_congress("station__congress"),
})

"""The training admin, in Chinese. Status, attendance and hours change only
through actions that call the services."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from congress_portal.accounts import roles
from deputies import admin_scope

from . import models as m
from . import selectors
from . import services
from .duty.sources import metric_labels


def _report_error(modeladmin, request, exc):
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    modeladmin.message_user(request, text, level=messages.ERROR)


@admin.register(m.TrainingPolicy)
class TrainingPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "checkin_token_minutes", "checkin_opens_minutes_before", "induction_required_hours", "duty_required_hours")

    def has_add_permission(self, request):
        return not m.TrainingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(admin.TabularInline):
    model = m.TrainingSession
    fields = ("title", "kind", "form", "starts_at", "hours")
    show_change_link = True
    extra = 0


@admin.register(m.TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "term", "year", "created_at")
    list_filter = ("year", "term__congress__level")
    search_fields = ("title",)
    raw_id_fields = ("term",)
    inlines = [SessionInline]


class MaterialInline(admin.TabularInline):
    model = m.TrainingMaterial
    fields = ("title", "file", "url", "is_published")
    extra = 0


class RuleInline(admin.TabularInline):
    model = m.EnrolmentRule
    fields = ("kind", "term", "level", "group", "field", "applied_at", "enrolled_count")
    readonly_fields = ("applied_at", "enrolled_count")
    raw_id_fields = ("term", "group")
    extra = 0


@admin.register(m.TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "form", "starts_at", "venue", "hours", "organiser", "plan")
    list_filter = ("kind", "form", "plan__year", "field")
    search_fields = ("title", "venue", "organiser")
    date_hierarchy = "starts_at"
    list_select_related = ("plan",)
    autocomplete_fields = ("plan",)
    inlines = [RuleInline, MaterialInline]
    actions = ["apply_rules"]

    def save_formset(self, request, form, formset, change):
        # Rules added in the inline are applied at once through the service.
        super().save_formset(request, form, formset, change)
        if formset.model is m.EnrolmentRule:
            for rule in formset.new_objects:
                try:
                    count = services.apply_enrolment_rule(rule=rule, actor=request.user)
                except (ValidationError, PermissionDenied) as exc:
                    _report_error(self, request, exc)
                else:
                    self.message_user(request, _("规则“%(rule)s”新增报名 %(n)s 人。") % {"rule": rule, "n": count})

    @admin.action(description=_("重新执行报名规则（补充新增代表）"))
    def apply_rules(self, request, queryset):
        total = 0
        for rule in m.EnrolmentRule.objects.filter(session__in=queryset):
            try:
                total += services.apply_enrolment_rule(rule=rule, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _report_error(self, request, exc)
                return
        self.message_user(request, _("新增报名 %(n)s 人。") % {"n": total})


@admin.register(m.TrainingMaterial)
class TrainingMaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "session", "is_published", "created_at")
    list_filter = ("is_published", "session__kind")
    search_fields = ("title", "description")
    autocomplete_fields = ("session",)


@admin.register(m.EnrolmentRule)
class EnrolmentRuleAdmin(admin.ModelAdmin):
    list_display = ("session", "kind", "describe", "applied_at", "enrolled_count")
    list_filter = ("kind", "level")
    search_fields = ("session__title",)
    readonly_fields = ("applied_at", "enrolled_count")
    autocomplete_fields = ("session",)
    raw_id_fields = ("term", "group")

    @admin.display(description=_("条件"))
    def describe(self, obj):
        return obj.describe()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        try:
            count = services.apply_enrolment_rule(rule=obj, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _report_error(self, request, exc)
        else:
            self.message_user(request, _("新增报名 %(n)s 人。") % {"n": count})


@admin.register(m.Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ("deputy", "session", "source", "status", "check_in_method", "checked_in_at", "hours_credited")
    list_filter = ("status", "source", "check_in_method", "session__kind", "session__plan__year")
    search_fields = ("deputy__name", "session__title")
    list_select_related = ("deputy", "session")
    autocomplete_fields = ("session",)
    raw_id_fields = ("deputy",)
    readonly_fields = ("source", "rule", "status", "checked_in_at", "check_in_method", "hours_credited", "enrolled_at")
    actions = ["mark_attended", "mark_absent"]

    def get_readonly_fields(self, request, obj=None):
        # Session and deputy are chosen when enrolling by hand, fixed afterwards.
        return self.readonly_fields + (("session", "deputy") if obj else ())

    def save_model(self, request, obj, form, change):
        if change:
            return
        services.enrol_deputies(session=obj.session, deputies=[obj.deputy], actor=request.user)
        obj.pk = m.Enrolment.objects.get(session=obj.session, deputy=obj.deputy).pk

    @admin.action(description=_("登记为已参加（认定本班次学时）"))
    def mark_attended(self, request, queryset):
        for enrolment in queryset:
            services.mark_attendance(enrolment=enrolment, attended=True, actor=request.user)
        self.message_user(request, ngettext("已登记 %(n)s 人。", "已登记 %(n)s 人。", queryset.count()) % {"n": queryset.count()})

    @admin.action(description=_("撤销参加登记"))
    def mark_absent(self, request, queryset):
        for enrolment in queryset:
            services.mark_attendance(enrolment=enrolment, attended=False, actor=request.user)
        self.message_user(request, _("已撤销。"))


@admin.register(m.LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "reason", "status", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("enrolment__deputy__name", "enrolment__session__title", "reason")
    list_select_related = ("enrolment__deputy", "enrolment__session", "decided_by")
    readonly_fields = ("enrolment", "reason", "status", "requested_at", "decided_by", "decided_at")
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve):
        for leave in queryset:
            try:
                services.decide_leave(leave_request=leave, approve=approve, actor=request.user)
            except ValidationError as exc:
                _report_error(self, request, exc)

    @admin.action(description=_("批准请假"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("不予批准"))
    def refuse(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(m.PlenaryAttendance)
class PlenaryAttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("deputy", "session", "status", "note", "recorded_by", "recorded_at")
    list_filter = ("status", "session__year")
    search_fields = ("deputy__name",)
    list_select_related = ("deputy", "session__term__congress", "recorded_by")
    raw_id_fields = ("session", "deputy")
    readonly_fields = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        services.record_plenary_attendance(
            session=obj.session, deputies=[obj.deputy], status=obj.status, note=obj.note, actor=request.user
        )
        obj.pk = m.PlenaryAttendance.objects.get(session=obj.session, deputy=obj.deputy).pk


@admin.register(m.DutyActivity)
class DutyActivityAdmin(SimpleHistoryAdmin):
    list_display = ("deputy", "kind", "title", "date", "recorded_by")
    list_filter = ("kind", "date")
    search_fields = ("deputy__name", "title")
    list_select_related = ("deputy", "recorded_by")
    raw_id_fields = ("deputy",)
    readonly_fields = ("recorded_by",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class ScoringItemForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("计分项目"), choices=())

    class Meta:
        model = m.ScoringItem
        fields = ("metric", "label", "points_per_unit", "max_points", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(key, f"{label}({key})") for key, label in metric_labels().items()]


class ScoringItemInline(admin.TabularInline):
    model = m.ScoringItem
    form = ScoringItemForm
    extra = 1


@admin.register(m.ScoringRuleSet)
class ScoringRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "effective_from_year")
    search_fields = ("name",)
    list_filter = ("effective_from_year",)
    inlines = [ScoringItemInline]


@admin.register(m.ScoringItem)
class ScoringItemAdmin(SimpleHistoryAdmin):
    form = ScoringItemForm
    list_display = ("rule_set", "metric", "label", "points_per_unit", "max_points", "position")
    list_filter = ("rule_set",)
    search_fields = ("metric", "label")
    list_select_related = ("rule_set",)


@admin.register(m.DutyRecord)
class DutyRecordAdmin(admin.ModelAdmin):
    list_display = ("deputy", "congress", "year", "score", "computed_at")
    list_filter = ("year",)
    search_fields = ("deputy__name",)
    list_select_related = ("deputy", "congress")
    readonly_fields = ("deputy", "congress", "year", "metrics", "score", "rule_set", "computed_at")

    def has_add_permission(self, request):
        return False


# A congress's staff see their own congress's plans, sessions and enrolments, and
# the duty records of their congress and those below (deputies/admin_scope.py).
def _materials(queryset, user):  # library items of no session are every congress's
    return queryset & selectors.materials_visible_to(user)


def _rules(queryset, user):
    own = roles.acting_congress_ids(user) if roles.is_staff_member(user) else []
    if own is None:
        return queryset
    return queryset.filter(Q(session__plan__term__congress__in=own) | Q(session__isnull=True, term__congress__in=own))


admin_scope.scope_admins(admin.site, {
    m.TrainingMaterial: _materials,
    m.EnrolmentRule: _rules,
    m.TrainingPlan: admin_scope.by_congress("term__congress"),
    m.TrainingSession: admin_scope.by_congress("plan__term__congress"),
    m.Enrolment: admin_scope.by_congress("session__plan__term__congress"),
    m.LeaveRequest: admin_scope.by_congress("enrolment__session__plan__term__congress"),
    m.PlenaryAttendance: admin_scope.by_congress("session__term__congress"),
    m.DutyActivity: admin_scope.by_deputy(),
    m.DutyRecord: admin_scope.by_congress(supervise=True),  # a record is its congress's (and read by those above)
})

"""Admin, in Chinese: the review queue, the assignment screen and the overdue
list, with actions that go through the services. ``status`` is read-only
everywhere; every change of it is a service call."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deputies.models import HandlingUnit

from . import services
from .models import (
    Assignment,
    AssignmentQueue,
    CoOpinion,
    CoSignature,
    ContactLog,
    DisclosureDecision,
    FollowUpItem,
    FollowUpRound,
    KeySupervision,
    OverdueSuggestion,
    ReassignmentRequest,
    Reply,
    ResultCategory,
    ReviewQueue,
    Status,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionPolicy,
)


def _run(modeladmin, request, queryset, label, call):
    done, failed = 0, []
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            failed.append(f"{obj}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        modeladmin.message_user(request, _("%(label)s：%(n)s 件完成。") % {"label": label, "n": done}, messages.SUCCESS)
    for line in failed:
        modeladmin.message_user(request, line, messages.ERROR)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea)
    forward_as_letter = forms.BooleanField(label=_("转为来信处理"), required=False)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.filter(is_active=True))
    co_units = forms.ModelMultipleChoiceField(label=_("协办单位"), queryset=HandlingUnit.objects.filter(is_active=True), required=False)


def _action_page(modeladmin, request, queryset, form, title):
    return TemplateResponse(
        request,
        "admin/suggestions/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": queryset,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        },
    )


def _form_action(modeladmin, request, queryset, form_class, title, call):
    """An action with a small form page in between (assign, reject, key
    supervision, extension): ``call(suggestion, data)`` runs for each one."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            _run(modeladmin, request, queryset, title, lambda s: call(s, form.cleaned_data))
            return None
    else:
        form = form_class()
    return _action_page(modeladmin, request, queryset, form, title)


@admin.action(description=_("审查通过"))
def register_action(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, _("审查通过"), lambda s: services.register_suggestion(suggestion=s, actor=request.user))


@admin.action(description=_("不作为代表建议处理…"))
def reject_action(modeladmin, request, queryset):
    return _form_action(
        modeladmin, request, queryset, ReasonForm, _("不作为代表建议处理"),
        lambda s, d: services.reject_suggestion(suggestion=s, actor=request.user, reason=d["reason"], forward_as_letter=d["forward_as_letter"]),
    )  # fmt: skip


@admin.action(description=_("交办…"))
def assign_action(modeladmin, request, queryset):
    return _form_action(
        modeladmin, request, queryset, AssignForm, _("交办"),
        lambda s, d: services.assign_suggestion(suggestion=s, actor=request.user, lead_unit=d["lead_unit"], co_units=list(d["co_units"])),
    )  # fmt: skip


class KeySupervisionActionForm(forms.Form):
    supervising_leader = forms.CharField(label=_("牵头督办领导"), max_length=64)
    supervising_committee = forms.CharField(label=_("对口督办专门委员会"), max_length=64, required=False)
    government_leader = forms.CharField(label=_("领办领导"), max_length=64, required=False)
    note = forms.CharField(label=_("督办要求"), required=False, widget=forms.Textarea)


class ExtendActionForm(forms.Form):
    new_due_date = forms.DateField(label=_("新的答复期限"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea)


class FollowUpActionForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=128)
    due_date = forms.DateField(label=_("二次答复期限"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("工作要求"), required=False, widget=forms.Textarea)


@admin.action(description=_("确定为重点督办…"))
def key_supervision_action(modeladmin, request, queryset):
    return _form_action(
        modeladmin, request, queryset, KeySupervisionActionForm, _("确定为重点督办"),
        lambda s, d: services.mark_key_supervision(suggestion=s, actor=request.user, **d),
    )  # fmt: skip


@admin.action(description=_("延长答复期限…"))
def extend_deadline_action(modeladmin, request, queryset):
    return _form_action(
        modeladmin, request, queryset, ExtendActionForm, _("延长答复期限"),
        lambda s, d: services.extend_deadline(suggestion=s, actor=request.user, **d),
    )  # fmt: skip


@admin.action(description=_("列入回头看…"))
def open_followup_action(modeladmin, request, queryset):
    """One round over every selected item, all or nothing (the service refuses
    the whole round if one item is not 已办结)."""
    if "apply" in request.POST:
        form = FollowUpActionForm(request.POST)
        if form.is_valid():
            try:
                services.open_followup_round(suggestions=list(queryset), actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            else:
                modeladmin.message_user(
                    request, _("回头看「%(title)s」已开始，共 %(n)s 件。") % {"title": form.cleaned_data["title"], "n": queryset.count()}, messages.SUCCESS
                )
            return None
    else:
        form = FollowUpActionForm()
    return _action_page(modeladmin, request, queryset, form, _("列入回头看"))


@admin.action(description=_("办结（代表未测评）"))
def close_action(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, _("办结"), lambda s: services.close_suggestion(suggestion=s, actor=request.user))


@admin.action(description=_("全文公开"))
def publish_action(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, _("全文公开"), lambda s: services.decide_disclosure(suggestion=s, actor=request.user, mode="full", reason=_("经审核同意公开")))


class CoSignatureInline(admin.TabularInline):
    model = CoSignature
    extra = 0
    can_delete = False
    readonly_fields = ("deputy", "state", "invited_at", "responded_at")

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ("unit", "role", "part", "state", "is_active", "assigned_at", "reply_due_at", "replied_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    fields = ("at", "move", "from_status", "to_status", "actor", "unit", "note", "is_public")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ResultCategoryFilter(admin.SimpleListFilter):
    """By the result category of a current reply (e.g. to pick a year's B and
    C replies for a follow-up review)."""

    title = _("办理结果")
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [(r.code, str(r)) for r in ResultCategory.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(Exists(Reply.objects.filter(suggestion=OuterRef("pk"), is_current=True, result_category__code=self.value())))


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已逾期"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ("number_label", "title", "lead_deputy", "category", "year", "status", "reply_due_at", "entered_by_staff", "disclosure")
    list_filter = ("status", OverdueFilter, ResultCategoryFilter, "category", "year", "deputy_level", "during_session", "handling_mode", "disclosure", "entered_by_staff", "session")
    search_fields = ("title", "content", "lead_deputy__name", "number")
    list_select_related = ("lead_deputy", "category")
    autocomplete_fields = ("lead_deputy",)
    readonly_fields = (
        "status", "number", "handling_mode", "registered_at", "assigned_at", "reply_due_at", "replied_at", "closed_at",
        "rehandling_count", "disclosure", "published_at", "not_registered_reason", "forwarded_as_letter", "entered_by",
        "entered_by_staff", "extension_reason",
    )  # fmt: skip
    inlines = [CoSignatureInline, AssignmentInline, EventInline]
    actions = [
        register_action, reject_action, assign_action, key_supervision_action, extend_deadline_action,
        close_action, open_followup_action, publish_action,
    ]  # fmt: skip
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False  # submitted through the portal or the import (services)

    def get_queryset(self, request):
        # A draft is its author's alone; staff see their own congress's items.
        return super().get_queryset(request).visible_to(request.user)


class _QueueAdmin(SuggestionAdmin):
    list_filter = ("category", "year", "deputy_level", "session")
    inlines = [CoSignatureInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(ReviewQueue)
class ReviewQueueAdmin(_QueueAdmin):
    actions = [register_action, reject_action]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Status.SUBMITTED).order_by("submitted_at")


@admin.register(AssignmentQueue)
class AssignmentQueueAdmin(_QueueAdmin):
    actions = [assign_action]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Status.REGISTERED).order_by("registered_at")


@admin.register(OverdueSuggestion)
class OverdueAdmin(_QueueAdmin):
    actions = [extend_deadline_action, key_supervision_action]
    inlines = [AssignmentInline, EventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reply_due_at__lt=timezone.now(), status__in=[Status.ASSIGNED, Status.REHANDLING]).order_by("reply_due_at")


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("suggestion", "unit", "role", "state", "is_active", "assigned_at", "reply_due_at", "replied_at")
    list_filter = ("role", "state", "is_active", "unit")
    search_fields = ("suggestion__title", "unit__name")
    list_select_related = ("suggestion", "unit")
    readonly_fields = ("suggestion", "unit", "role", "state", "is_active", "assigned_at", "assigned_by", "acknowledged_at", "replied_at")

    def has_add_permission(self, request):
        return False


@admin.action(description=_("同意调整（协办单位退出）"))
def approve_co_reassignment(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, _("同意调整"), lambda r: services.decide_reassignment(request=r, actor=request.user, approve=True))


@admin.register(ReassignmentRequest)
class ReassignmentRequestAdmin(admin.ModelAdmin):
    list_display = ("assignment", "requested_at", "suggested_unit", "decision", "decided_at")
    list_filter = ("decision",)
    search_fields = ("assignment__suggestion__title", "assignment__unit__name", "reason")
    readonly_fields = ("assignment", "reason", "suggested_unit", "requested_by", "requested_at", "decision", "decided_by", "decided_at", "new_assignment")
    actions = [approve_co_reassignment]


@admin.register(Reply)
class ReplyAdmin(SimpleHistoryAdmin):
    list_display = ("suggestion", "assignment", "kind", "result_category", "signed_off_by", "replied_at", "is_current")
    list_filter = ("kind", "result_category", "is_current")
    search_fields = ("suggestion__title", "letter", "signed_off_by")
    list_select_related = ("suggestion", "assignment__unit", "result_category")
    readonly_fields = ("suggestion", "assignment", "kind", "replied_at", "submitted_by", "is_current")


@admin.register(SuggestionEvent)
class SuggestionEventAdmin(admin.ModelAdmin):
    list_display = ("at", "suggestion", "move", "from_status", "to_status", "actor", "unit", "is_public")
    list_filter = ("move", "to_status", "is_public")
    search_fields = ("suggestion__title", "note")
    list_select_related = ("suggestion", "actor", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuggestionPolicy)
class SuggestionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "reassignment_window_working_days", "co_opinion_months", "reply_months", "max_reply_months", "rehandling_months", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("id",)

    def has_add_permission(self, request):
        return not SuggestionPolicy.objects.exists()


@admin.register(SuggestionCategory)
class SuggestionCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(ResultCategory)
class ResultCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "promises_action", "sort_order", "is_active")
    list_filter = ("is_active", "promises_action")
    search_fields = ("code", "name")


@admin.register(KeySupervision)
class KeySupervisionAdmin(SimpleHistoryAdmin):
    list_display = ("suggestion", "supervising_leader", "supervising_committee", "government_leader", "marked_at")
    list_filter = ("supervising_committee",)
    search_fields = ("suggestion__title", "supervising_leader", "government_leader")
    readonly_fields = ("suggestion", "marked_by", "marked_at")


@admin.register(CoOpinion)
class CoOpinionAdmin(SimpleHistoryAdmin):
    list_display = ("assignment", "submitted_at")
    list_filter = ("submitted_at",)
    search_fields = ("assignment__suggestion__title", "content")
    readonly_fields = ("assignment", "submitted_by", "submitted_at")


@admin.register(ContactLog)
class ContactLogAdmin(admin.ModelAdmin):
    list_display = ("suggestion", "assignment", "stage", "method", "contacted_at")
    list_filter = ("stage", "method")
    search_fields = ("suggestion__title", "note")
    readonly_fields = ("suggestion", "assignment", "logged_by", "logged_at")


class FollowUpItemInline(admin.TabularInline):
    model = FollowUpItem
    extra = 0
    can_delete = False
    fields = ("suggestion", "assignment", "replied_at", "rating", "rated_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "due_date", "opened_by", "opened_at")
    list_filter = ("due_date",)
    search_fields = ("title",)
    inlines = [FollowUpItemInline]
    readonly_fields = ("opened_by", "opened_at")

    def has_add_permission(self, request):
        return False  # opened with services.open_followup_round (API / pages)


@admin.register(FollowUpItem)
class FollowUpItemAdmin(SimpleHistoryAdmin):
    list_display = ("round", "suggestion", "assignment", "replied_at", "rating")
    list_filter = ("round", "rating")
    search_fields = ("suggestion__title", "second_reply")
    readonly_fields = ("round", "suggestion", "assignment", "replied_by", "replied_at", "rated_at")


@admin.register(DisclosureDecision)
class DisclosureDecisionAdmin(admin.ModelAdmin):
    list_display = ("suggestion", "mode", "decided_by", "decided_at")
    list_filter = ("mode",)
    search_fields = ("suggestion__title", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from . import admin_beside  # noqa: E402,F401  letters and motions

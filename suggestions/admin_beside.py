"""Admin screens of letters, motions and 督办 records: the policy rows staff edit (how many
deputies must sign a joint motion, each session's proposal window) and
read-only registers (status changes only through the services' pages)."""
from django.contrib import admin
from django.db.models import Exists, OuterRef

from deputies import admin_scope

from .models import (
    Assignment,
    AssignmentQueue,
    ContactLog,
    CoOpinion,
    DisclosureDecision,
    FollowUpItem,
    FollowUpRound,
    KeySupervision,
    Letter,
    LetterEvent,
    MergeLink,
    Motion,
    MotionEvent,
    MotionStatus,
    MotionThreshold,
    OverdueSuggestion,
    ProposalWindow,
    ReassignmentRequest,
    Reply,
    ReviewQueue,
    Suggestion,
    SuggestionEvent,
    SupervisionVisit,
    UnitFunctions,
)


@admin.register(MotionThreshold)
class MotionThresholdAdmin(admin.ModelAdmin):
    list_display = ("level", "min_joint_signers")


@admin.register(ProposalWindow)
class ProposalWindowAdmin(admin.ModelAdmin):
    list_display = ("session", "opens_at", "closes_at")
    list_select_related = ("session__term__congress",)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LetterEventInline(admin.TabularInline):
    model = LetterEvent
    extra = 0
    fields = ("at", "move", "from_status", "to_status", "actor", "unit", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(_ReadOnly):
    list_display = ("number_label", "title", "deputy", "status", "unit", "due_date")
    list_filter = ("status", "year")
    list_select_related = ("deputy", "unit")
    search_fields = ("title",)
    inlines = [LetterEventInline]


class MotionEventInline(LetterEventInline):
    model = MotionEvent
    fields = ("at", "move", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Motion)
class MotionAdmin(_ReadOnly):
    list_display = ("number_label", "title", "session", "delegation", "lead_deputy", "status")
    list_filter = ("status",)
    list_select_related = ("session__term__congress", "delegation", "lead_deputy")
    search_fields = ("title",)
    inlines = [MotionEventInline]

    def get_queryset(self, request):
        # A deputy's online draft is theirs until it is proposed.
        return super().get_queryset(request).exclude(status=MotionStatus.DRAFT)


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(admin.ModelAdmin):
    """Corrections of a record; new ones are recorded on the staff page (its checks)."""

    list_display = ("held_on", "theme", "group_name")
    list_filter = ("theme",)
    search_fields = ("theme", "group_name")
    filter_horizontal = ("units",)
    raw_id_fields = ("suggestions",)

    def has_add_permission(self, request):
        return False


@admin.register(UnitFunctions)
class UnitFunctionsAdmin(admin.ModelAdmin):
    """职能关键词 staff edit: the unit recommendation reads them at once."""

    list_display = ("unit", "keywords", "updated_at")
    list_select_related = ("unit",)
    search_fields = ("unit__name", "unit__short_name", "keywords")
    autocomplete_fields = ("unit",)


@admin.register(MergeLink)
class MergeLinkAdmin(_ReadOnly):
    """并案办理 as a register; merging and unmerging are moves made on the staff pages."""

    list_display = ("suggestion", "lead", "merged_by", "merged_at")
    list_select_related = ("suggestion", "lead", "merged_by")


# A congress's staff see their own congress's rows (deputies/admin_scope.py); the suggestion
# screens are scoped by ``visible_to`` in admin.py already, and listed here for their filters.
def _visits(queryset, user):
    return queryset & SupervisionVisit.objects.visible_to(user)


def _rounds(queryset, user):
    """回头看 rounds holding an item of the staff user's own congress."""
    items = admin_scope.by_congress("suggestion__congress")(FollowUpItem.objects.all(), user)
    return queryset.filter(Exists(items.filter(round=OuterRef("pk"))))


admin_scope.scope_admins(admin.site, {
    Suggestion: admin_scope.by_congress(),
    ReviewQueue: admin_scope.by_congress(),
    AssignmentQueue: admin_scope.by_congress(),
    OverdueSuggestion: admin_scope.by_congress(),
    Assignment: admin_scope.by_congress("suggestion__congress"),
    ReassignmentRequest: admin_scope.by_congress("assignment__suggestion__congress"),
    Reply: admin_scope.by_congress("suggestion__congress"),
    SuggestionEvent: admin_scope.by_congress("suggestion__congress"),
    KeySupervision: admin_scope.by_congress("suggestion__congress"),
    CoOpinion: admin_scope.by_congress("assignment__suggestion__congress"),
    ContactLog: admin_scope.by_congress("suggestion__congress"),
    FollowUpItem: admin_scope.by_congress("suggestion__congress"),
    DisclosureDecision: admin_scope.by_congress("suggestion__congress"),
    MergeLink: admin_scope.by_congress("lead__congress"),
    Letter: admin_scope.by_congress(),
    Motion: admin_scope.by_congress("session__term__congress"),
    ProposalWindow: admin_scope.by_congress("session__term__congress"),
    SupervisionVisit: _visits,
    FollowUpRound: _rounds,
    UnitFunctions: admin_scope.by_unit(),
})

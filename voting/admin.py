"""Admin for the ballot cycle. Status fields are read-only and change only through
actions that call the services; each move's event is shown read-only.

Secrecy against staff and superusers alike: the ballot's participation and
content tables are read-only and shown apart, and neither can be put next to
the other by order, time or id. Contents are not listed at all until the ballot
is tallied (by then ``close_voting`` has rewritten them under new random keys);
participations are listed by deputy, without ids, links or a detail page (their
ids are re-drawn in random order at close)."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deputies import admin_scope

from . import services
from .lifecycles import BALLOTS, PROJECTS, PROPOSALS, RATINGS
from .models import (
    Ballot,
    BallotCandidate,
    BallotContent,
    BallotEvent,
    BallotParticipation,
    BallotStatus,
    CandidateResult,
    Elector,
    Inspection,
    Milestone,
    PaperBatch,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCall,
    ProjectEvent,
    ProjectRating,
    Proposal,
    ProposalEvent,
    RatingEvent,
    ReviewDecision,
    ReviewStage,
    TallySummary,
    VotingPolicy,
)


def _run(modeladmin, request, queryset, service, done):
    """Call a service per selected row and report each outcome in Chinese."""
    for obj in queryset:
        try:
            service(obj, request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{obj}：{text}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}：{done}", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VotingPolicy)
class VotingPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "quorum_share", "majority_share", "public_proposals_per_hour", "report_interval_days", "report_reminder_days"]
    search_fields = ["congress__name"]
    list_filter = ["congress__level"]
    autocomplete_fields = ["congress"]


@admin.register(ReviewStage)
class ReviewStageAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "congress"]
    list_filter = ["congress__level"]
    search_fields = ["name", "congress__name"]
    ordering = ["congress_id", "order"]


@admin.register(ProjectCall)
class ProjectCallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "congress", "year", "opens_on", "closes_on", "rating_status"]
    list_filter = ["year", "rating_status", "congress__level"]
    search_fields = ["title", "congress__name"]
    readonly_fields = ["rating_status"]
    actions = ["open_rating", "publish_ratings"]

    @admin.action(description=_("开始满意度测评"))
    def open_rating(self, request, queryset):
        _run(self, request, queryset, lambda c, u: services.open_rating(call=c, actor=u), _("已开始测评"))

    @admin.action(description=_("公布满意度测评结果"))
    def publish_ratings(self, request, queryset):
        _run(self, request, queryset, lambda c, u: services.publish_ratings(call=c, actor=u), _("已公布"))


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "source", "status", "project", "created_at"]
    list_filter = ["source", "status", "call__year", "call__congress__level"]
    # Contacts are shown to staff on the change page but are not searchable.
    search_fields = ["title", "description", "responsible_department", "area"]
    readonly_fields = ["status", "project", "client_fingerprint", "created_at"]
    raw_id_fields = ["deputy", "department", "submitted_by", "call"]
    actions = ["adopt_as_one_project"]

    @admin.action(description=_("采纳所选建议（重复的合并为一个项目）"))
    def adopt_as_one_project(self, request, queryset):
        try:
            project = services.adopt_proposals(proposals=list(queryset), actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        else:
            self.message_user(request, _("已采纳为项目：%(title)s") % {"title": project.title}, messages.SUCCESS)


class EventInline(admin.TabularInline):
    extra = 0
    fields = ["at", "move", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BallotEventInline(EventInline):
    model = BallotEvent


class ProjectEventInline(EventInline):
    model = ProjectEvent


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "congress", "call", "responsible_unit", "status", "percent_done", "estimated_budget"]
    list_filter = ["status", "call__year", "congress__level"]
    search_fields = ["title", "description", "area", "congress__name"]
    readonly_fields = ["status", "merged_into", "percent_done"]
    raw_id_fields = ["call", "responsible_unit", "congress"]
    inlines = [MilestoneInline, ProjectEventInline]
    actions = ["to_reserve"]

    @admin.action(description=_("转入储备库"))
    def to_reserve(self, request, queryset):
        _run(self, request, queryset, lambda p, u: services.move_to_reserve(project=p, actor=u), _("已转入储备库"))


class CandidateInline(admin.TabularInline):
    """Read-only: the shortlist is set through the service (staff ballot page or API),
    which keeps the projects' status in step and refuses changes after review."""

    model = BallotCandidate
    extra = 0
    fields = ["order", "project"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReviewDecisionInline(admin.TabularInline):
    model = ReviewDecision
    extra = 0
    fields = ["round", "stage", "decided_on", "decision", "note", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ResultInline(admin.TabularInline):
    model = CandidateResult
    extra = 0
    fields = ["candidate", "votes_for", "votes_against", "votes_abstain", "rank", "outcome"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ballot)
class BallotAdmin(SimpleHistoryAdmin):
    list_display = ["title", "congress", "call", "seats", "status", "electorate_size", "opened_at", "published_at"]
    list_filter = ["status", "call__year", "congress__level"]
    search_fields = ["title", "congress__name"]
    readonly_fields = [
        "status", "runoff_of", "electorate_size", "quorum_share", "majority_share", "opened_at", "closed_at", "tallied_at", "published_at",
    ]
    raw_id_fields = ["call", "session", "congress"]
    inlines = [CandidateInline, ReviewDecisionInline, ResultInline, BallotEventInline]
    actions = ["submit_for_review", "open_voting", "close_voting", "tally", "publish", "runoff"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            fields += ["congress", "call", "session", "seats"]
        return fields

    @admin.action(description=_("提交审议"))
    def submit_for_review(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.submit_for_review(ballot=b, actor=u), _("已提交审议"))

    @admin.action(description=_("开始投票（确定参加票决代表名单）"))
    def open_voting(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.open_voting(ballot=b, actor=u), _("已开始投票"))

    @admin.action(description=_("结束投票"))
    def close_voting(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.close_voting(ballot=b, actor=u), _("已结束投票"))

    @admin.action(description=_("计票"))
    def tally(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.tally_ballot(ballot=b, actor=u), _("已计票"))

    @admin.action(description=_("公布结果"))
    def publish(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.publish_results(ballot=b, actor=u), _("已公布"))

    @admin.action(description=_("对票数相同的项目安排再次投票"))
    def runoff(self, request, queryset):
        _run(self, request, queryset, lambda b, u: services.start_runoff(ballot=b, actor=u), _("已创建再次投票"))


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["ballot", "round", "stage", "decided_on", "decision"]
    list_filter = ["decision", "stage__name"]
    search_fields = ["ballot__title", "note"]


@admin.register(Elector)
class ElectorAdmin(ReadOnlyAdmin):
    list_display = ["deputy", "ballot", "present"]
    list_filter = ["present", "ballot__status"]
    search_fields = ["deputy__name", "ballot__title"]


@admin.register(PaperBatch)
class PaperBatchAdmin(ReadOnlyAdmin):
    list_display = ["label", "ballot", "ballots_count", "entered_by", "entered_at"]
    list_filter = ["ballot__status"]
    search_fields = ["label", "ballot__title"]


@admin.register(BallotParticipation)
class BallotParticipationAdmin(ReadOnlyAdmin):
    """Who has voted. Never how, nor in what order: listed by deputy name, with
    no id, no link and no detail page (the id would follow the voting order
    while voting is open)."""

    list_display = ["deputy", "ballot", "channel"]
    list_display_links = None
    list_filter = ["channel", "ballot__status"]
    search_fields = ["deputy__name", "ballot__title"]
    ordering = ["deputy__name", "deputy", "ballot"]
    sortable_by = []
    actions = None
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)


COUNTED = [BallotStatus.TALLIED, BallotStatus.PUBLISHED]


@admin.register(BallotContent)
class BallotContentAdmin(ReadOnlyAdmin):
    """What the ballots said. Never who. Only once the ballot is tallied (its
    contents were rewritten in a random order, under new random keys, when voting
    closed): while voting is open, a list before and after a deputy votes would
    show that deputy's ballot. Ordered by the random key."""

    list_display = ["id", "ballot", "is_valid", "marks"]
    list_filter = ["is_valid"]
    search_fields = ["ballot__title"]
    sortable_by = []
    actions = None
    exclude = ["receipt_hash"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ballot__status__in=COUNTED)


@admin.register(TallySummary)
class TallySummaryAdmin(ReadOnlyAdmin):
    list_display = ["ballot", "electorate_size", "present", "ballots_cast", "ballots_valid", "ballots_invalid", "majority_needed", "runoff_seats"]
    list_filter = ["ballot__congress__level"]
    search_fields = ["ballot__title"]


@admin.register(CandidateResult)
class CandidateResultAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "ballot", "votes_for", "votes_against", "votes_abstain", "rank", "outcome"]
    list_filter = ["outcome", "ballot__status"]
    search_fields = ["candidate__project__title", "ballot__title"]


class PhotoInline(admin.TabularInline):
    model = ProgressPhoto
    extra = 0


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["project", "reported_on", "percent_done", "submitted_by", "created_at"]
    list_filter = ["reported_on", "project__status"]
    search_fields = ["project__title", "narrative"]
    raw_id_fields = ["project", "submitted_by"]
    inlines = [PhotoInline]

    def has_add_permission(self, request):
        return False  # reports come from the responsible unit through the service


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "due_on", "done_on"]
    list_filter = ["due_on", "done_on"]
    search_fields = ["title", "project__title"]
    raw_id_fields = ["project"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["project", "inspected_on", "recorded_by"]
    list_filter = ["inspected_on"]
    search_fields = ["project__title", "findings"]
    raw_id_fields = ["project", "deputies", "recorded_by"]


@admin.register(ProjectRating)
class ProjectRatingAdmin(ReadOnlyAdmin):
    list_display = ["project", "rating", "rated_at"]
    list_filter = ["rating", "project__call__year"]
    search_fields = ["project__title"]


# --------------------------------------------------------------------------- events
class EventAdmin(ReadOnlyAdmin):
    """One row per move, read-only. No event names a voter: casting a ballot is
    not a move (``voting.lifecycles``)."""

    lifecycle = None
    list_filter = ["move", "to_status"]
    sortable_by = ["at"]
    actions = None

    def get_list_display(self, request):
        return ["at", self.lifecycle.subject_field, "move_label", "from_status", "to_status", "actor", "note"]

    @admin.display(description=_("操作"))
    def move_label(self, event):
        return self.lifecycle.label(event.move)


@admin.register(BallotEvent)
class BallotEventAdmin(EventAdmin):
    lifecycle = BALLOTS
    search_fields = ["ballot__title"]
    list_select_related = ["ballot", "actor"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(EventAdmin):
    lifecycle = PROJECTS
    search_fields = ["project__title"]
    list_select_related = ["project", "actor"]


@admin.register(ProposalEvent)
class ProposalEventAdmin(EventAdmin):
    lifecycle = PROPOSALS
    search_fields = ["proposal__title"]
    list_select_related = ["proposal", "actor"]


@admin.register(RatingEvent)
class RatingEventAdmin(EventAdmin):
    lifecycle = RATINGS
    search_fields = ["call__title"]
    list_select_related = ["call", "actor"]


# A congress's staff see their own congress's calls, projects and ballots (deputies/admin_scope.py).
admin_scope.scope_admins(admin.site, {
    ProjectCall: admin_scope.by_congress(),
    Proposal: admin_scope.by_congress("call__congress"),
    ProposalEvent: admin_scope.by_congress("proposal__call__congress"),
    Project: admin_scope.by_congress(),
    ProjectEvent: admin_scope.by_congress("project__congress"),
    ProjectRating: admin_scope.by_congress("project__congress"),
    Inspection: admin_scope.by_congress("project__congress"),
    Milestone: admin_scope.by_congress("project__congress"),
    ProgressReport: admin_scope.by_congress("project__congress"),
    Ballot: admin_scope.by_congress(),
    BallotEvent: admin_scope.by_congress("ballot__congress"),
    ReviewDecision: admin_scope.by_congress("ballot__congress"),
    Elector: admin_scope.by_congress("ballot__congress"),
    PaperBatch: admin_scope.by_congress("ballot__congress"),
    BallotParticipation: admin_scope.by_congress("ballot__congress"),
    BallotContent: admin_scope.by_congress("ballot__congress"),
    TallySummary: admin_scope.by_congress("ballot__congress"),
    CandidateResult: admin_scope.by_congress("ballot__congress"),
    RatingEvent: admin_scope.by_congress("call__congress"),
    ReviewStage: admin_scope.by_congress(),
    VotingPolicy: admin_scope.by_congress(),
})

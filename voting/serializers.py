"""DRF serializers. None of them puts a deputy next to a ballot's content: the
roll serializer says who voted, the result serializers say what was counted."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import (
    Ballot,
    BallotCandidate,
    CandidateResult,
    Choice,
    Elector,
    Milestone,
    ProgressReport,
    Project,
    ProjectCall,
    Proposal,
    ReviewDecision,
    Satisfaction,
    TallySummary,
)


class ProjectCallSerializer(serializers.ModelSerializer):
    congress_name = serializers.CharField(source="congress.name", read_only=True)

    class Meta:
        model = ProjectCall
        fields = ["id", "congress", "congress_name", "year", "title", "description", "opens_on", "closes_on", "rating_status"]
        read_only_fields = ["rating_status"]


class PublicProposalSerializer(serializers.ModelSerializer):
    """What the public form takes. Name and contact are optional and never shown back."""

    class Meta:
        model = Proposal
        fields = ["id", "call", "title", "description", "estimated_budget", "responsible_department", "area", "proposer_name", "proposer_contact"]
        extra_kwargs = {"proposer_name": {"write_only": True}, "proposer_contact": {"write_only": True}}


class ProposalSerializer(serializers.ModelSerializer):
    """Deputies' and departments' proposals, and staff's list (staff only see contacts)."""

    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    deputy_name = serializers.CharField(source="deputy.name", read_only=True, allow_null=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "call", "source", "source_display", "title", "description", "estimated_budget", "responsible_department",
            "area", "deputy_name", "department_name", "status", "status_display", "project", "staff_note", "created_at",
        ]
        read_only_fields = ["source", "status", "project", "staff_note", "created_at"]


class StaffProposalSerializer(ProposalSerializer):
    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "proposer_name", "proposer_contact"]


class AdoptSerializer(serializers.Serializer):
    proposals = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), many=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=128)


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255)


class ProjectSerializer(serializers.ModelSerializer):
    congress_name = serializers.CharField(source="congress.name", read_only=True)
    year = serializers.IntegerField(source="call.year", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "congress", "congress_name", "call", "year", "title", "description", "estimated_budget",
            "responsible_unit", "responsible_unit_name", "area", "status", "status_display", "percent_done",
        ]
        read_only_fields = ["congress", "status", "percent_done"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on"]


class ProgressReportSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()
    upload_photos = serializers.ListField(child=serializers.ImageField(), write_only=True, required=False)

    class Meta:
        model = ProgressReport
        fields = ["id", "reported_on", "percent_done", "narrative", "problems", "photos", "upload_photos", "created_at"]
        read_only_fields = ["created_at"]

    def get_photos(self, report) -> list[str]:
        # Through the view that checks who may see the project, never /media/.
        return [reverse("voting:progress_photo", args=[photo.pk]) for photo in report.photos.all()]


class RatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True)


class ReportDueSerializer(serializers.Serializer):
    project = ProjectSerializer()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()


class CandidateSerializer(serializers.ModelSerializer):
    project = ProjectSerializer(read_only=True)

    class Meta:
        model = BallotCandidate
        fields = ["id", "order", "project"]


class ReviewDecisionSerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True)

    class Meta:
        model = ReviewDecision
        fields = ["id", "round", "stage", "stage_name", "decided_on", "decision", "note"]
        read_only_fields = ["round"]


class BallotSerializer(serializers.ModelSerializer):
    congress_name = serializers.CharField(source="congress.name", read_only=True)
    year = serializers.IntegerField(source="call.year", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    candidate_count = serializers.IntegerField(read_only=True)
    present_count = serializers.IntegerField(read_only=True)
    cast_count = serializers.IntegerField(read_only=True)
    chosen_count = serializers.IntegerField(read_only=True)
    quorum_needed = serializers.IntegerField(read_only=True, allow_null=True)
    majority_needed = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Ballot
        fields = [
            "id", "congress", "congress_name", "call", "year", "session", "title", "seats", "status", "status_display",
            "runoff_of", "electorate_size", "quorum_needed", "majority_needed", "candidate_count", "present_count",
            "cast_count", "chosen_count", "opened_at", "closed_at", "tallied_at", "published_at",
        ]
        read_only_fields = ["congress", "status", "runoff_of", "electorate_size", "opened_at", "closed_at", "tallied_at", "published_at"]


class BallotDetailSerializer(BallotSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    review_decisions = ReviewDecisionSerializer(many=True, read_only=True)

    class Meta(BallotSerializer.Meta):
        fields = [*BallotSerializer.Meta.fields, "candidates", "review_decisions"]


class CandidatesInputSerializer(serializers.Serializer):
    projects = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), many=True)


class AttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    absent = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class VoteSerializer(serializers.Serializer):
    marks = serializers.DictField(
        child=serializers.ChoiceField(choices=Choice.choices),
        help_text=_("候选项目编号（候选项目的id）到 for / against / abstain 的对应。"),
    )


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)


class ReceiptCheckSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, write_only=True)
    found = serializers.BooleanField(read_only=True)
    ballot_title = serializers.CharField(read_only=True)
    counted = serializers.BooleanField(read_only=True)
    valid = serializers.BooleanField(read_only=True)


class PaperBatchInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=64)
    deputies = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    ballots = serializers.ListField(child=serializers.DictField(child=serializers.ChoiceField(choices=Choice.choices)), min_length=1)


class ElectorSerializer(serializers.ModelSerializer):
    """A line of the roll call: who, present, voted or not. Never how."""

    deputy_name = serializers.CharField(source="deputy.name", read_only=True)
    electoral_unit = serializers.CharField(source="mandate.electoral_unit.name", read_only=True, allow_null=True)
    has_voted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Elector
        fields = ["deputy", "deputy_name", "electoral_unit", "present", "has_voted"]


class ResultLineSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="candidate.order")
    project = serializers.IntegerField(source="candidate.project_id")
    title = serializers.CharField(source="candidate.project.title")
    outcome_display = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = CandidateResult
        fields = ["order", "project", "title", "votes_for", "votes_against", "votes_abstain", "rank", "outcome", "outcome_display"]


class TallySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = TallySummary
        fields = ["electorate_size", "present", "ballots_cast", "ballots_valid", "ballots_invalid", "majority_needed", "runoff_seats"]


class ResultSheetSerializer(serializers.Serializer):
    ballot = BallotSerializer()
    summary = TallySummarySerializer()
    lines = ResultLineSerializer(many=True)


class RecountSerializer(serializers.Serializer):
    same = serializers.BooleanField()
    differences = serializers.ListField(child=serializers.CharField())


class RatingResultSerializer(serializers.ModelSerializer):
    satisfied = serializers.IntegerField()
    mostly = serializers.IntegerField()
    not_satisfied = serializers.IntegerField()
    rated = serializers.IntegerField()

    class Meta:
        model = Project
        fields = ["id", "title", "satisfied", "mostly", "not_satisfied", "rated"]

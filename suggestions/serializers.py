"""DRF serializers. Output serializers read what the selectors prefetched; input
serializers only validate shapes and hand over to the services.

No serializer here exposes a deputy's ID number or phone. Public output goes
through ``mask_text`` so that numbers typed into free text are masked too."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress_portal.forms import validate_attachment
from congress_portal.logging import mask_text
from deputies.models import Deputy, HandlingUnit, Session

from .models import (
    Assignment,
    ContactMethod,
    ContactStage,
    Disclosure,
    FollowUpItem,
    FollowUpRound,
    HandlingMode,
    ReassignmentRequest,
    Reply,
    ResultCategory,
    Satisfaction,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
)


class SuggestionCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionCategory
        fields = ["id", "code", "name"]


class SuggestionResultCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultCategory
        fields = ["id", "code", "name", "description", "promises_action"]


class SuggestionUnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "short_name"]


class SuggestionDeputyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class SuggestionAssignmentBriefSerializer(serializers.ModelSerializer):
    unit = SuggestionUnitRefSerializer()
    role_label = serializers.CharField(source="get_role_display")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "role", "role_label", "part", "state", "state_label", "assigned_at", "reply_due_at", "opinion_due_at", "replied_at"]


class SuggestionListSerializer(serializers.ModelSerializer):
    number_label = serializers.CharField(read_only=True)
    lead_deputy = SuggestionDeputyRefSerializer()
    category = SuggestionCategorySerializer()
    status_label = serializers.CharField(source="get_status_display")
    session = serializers.StringRelatedField(allow_null=True)
    is_overdue = serializers.BooleanField()
    key_supervision = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id", "number", "number_label", "title", "status", "status_label", "category", "lead_deputy", "year",
            "session", "deputy_level", "during_session", "entered_by_staff", "handling_mode", "submitted_at",
            "reply_due_at", "is_overdue", "key_supervision", "disclosure", "published_at", "units",
        ]  # fmt: skip

    def get_key_supervision(self, obj) -> bool:
        return hasattr(obj, "key_supervision")

    @extend_schema_field(SuggestionAssignmentBriefSerializer(many=True))
    def get_units(self, obj):
        assignments = getattr(obj, "active_assignments", None)
        if assignments is None:
            assignments = obj.assignments.filter(is_active=True).select_related("unit")
        return SuggestionAssignmentBriefSerializer(assignments, many=True).data



class SuggestionQueueItemSerializer(SuggestionListSerializer):
    """A row of a staff queue (overdue, key supervision, review, disclosure): the
    list's fields, under its own schema name, because the queues page by number
    (with a count) while the list pages by keyset."""

class SuggestionRatingSerializer(serializers.Serializer):
    process_rating = serializers.CharField()
    result_rating = serializers.CharField()
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()


class SuggestionCoOpinionOutSerializer(serializers.Serializer):
    content = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class SuggestionReplySerializer(serializers.ModelSerializer):
    unit = SuggestionUnitRefSerializer(source="assignment.unit")
    result_category = SuggestionResultCategorySerializer()
    rating = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "unit", "kind", "letter", "result_category", "signed_off_by", "replied_at", "is_current", "rating", "attachments"]

    @extend_schema_field(SuggestionRatingSerializer(allow_null=True))
    def get_rating(self, obj):
        rating = getattr(obj, "rating", None) if hasattr(obj, "rating") else None
        return SuggestionRatingSerializer(rating).data if rating else None

    def get_attachments(self, obj) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class SuggestionEventSerializer(serializers.ModelSerializer):
    move_label = serializers.CharField()
    from_status_label = serializers.CharField(source="get_from_status_display")
    to_status_label = serializers.CharField(source="get_to_status_display")
    unit = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = SuggestionEvent
        fields = ["id", "move", "move_label", "from_status", "from_status_label", "to_status", "to_status_label", "unit", "at", "note"]


class SuggestionCoSignerSerializer(serializers.Serializer):
    deputy = SuggestionDeputyRefSerializer()
    state = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)


class SuggestionKeySupervisionSerializer(serializers.Serializer):
    supervising_leader = serializers.CharField()
    supervising_committee = serializers.CharField()
    government_leader = serializers.CharField()
    note = serializers.CharField()


class SuggestionDetailSerializer(SuggestionListSerializer):
    co_signers = SuggestionCoSignerSerializer(source="cosignatures", many=True)
    replies = SuggestionReplySerializer(many=True)
    key_supervision_detail = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    co_opinions = serializers.SerializerMethodField()

    class Meta(SuggestionListSerializer.Meta):
        fields = SuggestionListSerializer.Meta.fields + [
            "content", "disclosure_consent", "not_registered_reason", "forwarded_as_letter", "registered_at",
            "assigned_at", "replied_at", "closed_at", "rehandling_count", "extension_reason", "public_summary",
            "co_signers", "replies", "key_supervision_detail", "attachments", "co_opinions",
        ]  # fmt: skip

    @extend_schema_field(SuggestionKeySupervisionSerializer(allow_null=True))
    def get_key_supervision_detail(self, obj):
        ks = getattr(obj, "key_supervision", None) if hasattr(obj, "key_supervision") else None
        return SuggestionKeySupervisionSerializer(ks).data if ks else None

    def get_attachments(self, obj) -> list[str]:
        return [a.name for a in obj.attachments.all()]

    @extend_schema_field(SuggestionCoOpinionOutSerializer(many=True))
    def get_co_opinions(self, obj):
        request = self.context.get("request")
        from congress_portal.accounts import roles

        if request is None or not (roles.is_staff_member(request.user) or roles.unit_id_of(request.user)):
            return []
        from .selectors import co_opinions

        return SuggestionCoOpinionOutSerializer(co_opinions(suggestion=obj), many=True).data


class SuggestionPublicReplySerializer(serializers.Serializer):
    unit = serializers.CharField(source="assignment.unit.name")
    result_category = serializers.CharField(source="result_category.name")
    letter = serializers.SerializerMethodField()
    replied_at = serializers.DateTimeField()

    def get_letter(self, obj) -> str:
        return mask_text(obj.letter)


class SuggestionPublicSuggestionSerializer(serializers.ModelSerializer):
    """Published items only: never an ID number, phone number or address of a
    private person (summary-only items show the staff's summary, not the text)."""

    number_label = serializers.CharField(read_only=True)
    category = serializers.CharField(source="category.name")
    lead_deputy = serializers.CharField(source="lead_deputy.name")
    session = serializers.StringRelatedField(allow_null=True)
    title = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    public_summary = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "number_label", "title", "category", "lead_deputy", "year", "session", "deputy_level", "disclosure", "public_summary", "content", "published_at"]

    def get_title(self, obj) -> str:
        return mask_text(obj.title)

    def get_content(self, obj) -> str:
        return mask_text(obj.content) if obj.disclosure == Disclosure.FULL and "content" not in obj.get_deferred_fields() else ""

    def get_public_summary(self, obj) -> str:
        return mask_text(obj.public_summary)


class SuggestionPublicSuggestionDetailSerializer(SuggestionPublicSuggestionSerializer):
    replies = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(SuggestionPublicSuggestionSerializer.Meta):
        fields = SuggestionPublicSuggestionSerializer.Meta.fields + ["replies", "timeline"]

    @extend_schema_field(SuggestionPublicReplySerializer(many=True))
    def get_replies(self, obj):
        if obj.disclosure != Disclosure.FULL:
            return []
        return SuggestionPublicReplySerializer(obj.replies.filter(is_current=True).select_related("assignment__unit", "result_category"), many=True).data

    @extend_schema_field(SuggestionEventSerializer(many=True))
    def get_timeline(self, obj):
        events = obj.events.filter(is_public=True).select_related("unit").order_by("at", "pk")
        data = SuggestionEventSerializer(events, many=True).data
        for row in data:
            row["note"] = ""  # internal wording stays inside
        return data


class SuggestionInboxSuggestionSerializer(serializers.ModelSerializer):
    number_label = serializers.CharField(read_only=True)
    category = serializers.CharField(source="category.name")
    lead_deputy = serializers.CharField(source="lead_deputy.name")
    status_label = serializers.CharField(source="get_status_display")
    key_supervision = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "number_label", "title", "category", "lead_deputy", "status", "status_label", "year", "key_supervision"]

    def get_key_supervision(self, obj) -> bool:
        return hasattr(obj, "key_supervision")


class SuggestionInboxAssignmentSerializer(SuggestionAssignmentBriefSerializer):
    suggestion = SuggestionInboxSuggestionSerializer()
    is_overdue = serializers.SerializerMethodField()

    class Meta(SuggestionAssignmentBriefSerializer.Meta):
        fields = SuggestionAssignmentBriefSerializer.Meta.fields + ["acknowledged_at", "reassignment_deadline", "suggestion", "is_overdue"]

    def get_is_overdue(self, obj) -> bool:
        from django.utils import timezone

        return bool(
            obj.owes_reply and obj.replied_at is None and obj.reply_due_at and obj.reply_due_at < timezone.now() and obj.is_active
        )


class SuggestionReassignmentRequestSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assignment.unit.name")
    suggestion_id = serializers.IntegerField(source="assignment.suggestion_id")
    suggestion_title = serializers.CharField(source="assignment.suggestion.title")
    suggested_unit = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ReassignmentRequest
        fields = ["id", "unit", "suggestion_id", "suggestion_title", "reason", "suggested_unit", "requested_at", "decision", "decision_note", "decided_at"]


class SuggestionFollowUpRoundSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = FollowUpRound
        fields = ["id", "name", "year", "number", "title", "note", "due_date", "opened_at"]
        read_only_fields = ["year", "number"]


class SuggestionFollowUpItemSerializer(serializers.ModelSerializer):
    round = SuggestionFollowUpRoundSerializer()
    unit = serializers.CharField(source="assignment.unit.name")
    suggestion_title = serializers.CharField(source="suggestion.title")

    class Meta:
        model = FollowUpItem
        fields = ["id", "round", "suggestion", "suggestion_title", "unit", "second_reply", "replied_at", "rating", "rating_comment", "rated_at"]


class SuggestionAttachmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("suggestions:attachment", args=[obj.pk])


class SuggestionDraftSerializer(serializers.ModelSerializer):
    """A draft, for its author only (the co-signers it names are invited when it is submitted)."""

    category = SuggestionCategorySerializer(allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    co_signers = serializers.SerializerMethodField()
    attachments = SuggestionAttachmentRefSerializer(many=True)

    class Meta:
        model = Suggestion
        fields = [
            "id", "status", "status_label", "title", "content", "category", "during_session", "session",
            "disclosure_consent", "co_signers", "attachments", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(SuggestionDeputyRefSerializer(many=True))
    def get_co_signers(self, obj):
        return SuggestionDeputyRefSerializer([c.deputy for c in obj.cosignatures.all()], many=True).data


# ------------------------------------------------------------------ inputs


class SuggestionDraftInputSerializer(serializers.Serializer):
    """Everything is optional on a draft; ``submit`` checks that it is complete."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    content = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(
        queryset=SuggestionCategory.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    during_session = serializers.BooleanField(required=False, default=False)
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all(), required=False, allow_null=True, default=None)
    disclosure_consent = serializers.BooleanField(required=False, default=True)
    co_signers = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True, required=False)
    attachments = serializers.ListField(
        child=serializers.FileField(validators=[validate_attachment]), required=False, max_length=10,
        help_text=_("新上传的附件（multipart/form-data）"),
    )  # fmt: skip
    remove_attachments = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=_("要删除的已上传附件的 id（仅修改草稿时）")
    )


class SuggestionSubmitSerializer(serializers.Serializer):
    lead_deputy = serializers.PrimaryKeyRelatedField(
        queryset=Deputy.objects.all(), required=False, help_text=_("工作人员代为录入时填写领衔代表")
    )
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    category = serializers.PrimaryKeyRelatedField(queryset=SuggestionCategory.objects.filter(is_active=True))
    during_session = serializers.BooleanField(default=False)
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all(), required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    disclosure_consent = serializers.BooleanField(default=True)
    co_signers = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True, required=False)


class SuggestionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionRejectSerializer(serializers.Serializer):
    reason = serializers.CharField()
    forward_as_letter = serializers.BooleanField(default=False)


class SuggestionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionCosignResponseSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class SuggestionSplitUnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True))
    part = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionAssignSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=HandlingMode.choices, default=HandlingMode.LEAD)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True), required=False, allow_null=True)
    co_units = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True), many=True, required=False)
    split_units = SuggestionSplitUnitSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionKeySupervisionInputSerializer(serializers.Serializer):
    supervising_leader = serializers.CharField(max_length=64)
    supervising_committee = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    government_leader = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionExtendSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    reason = serializers.CharField()


class SuggestionDisclosureSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Disclosure.choices, help_text=_("full、summary 或 none"))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionReassignmentInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    suggested_unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True), required=False, allow_null=True)


class SuggestionReassignmentDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    new_unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True), required=False, allow_null=True)


class SuggestionCoOpinionInputSerializer(serializers.Serializer):
    content = serializers.CharField()


class SuggestionContactInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ContactStage.choices)
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    contacted_at = serializers.DateTimeField()
    note = serializers.CharField()


class SuggestionReplyInputSerializer(serializers.Serializer):
    letter = serializers.CharField()
    result_category = serializers.PrimaryKeyRelatedField(queryset=ResultCategory.objects.filter(is_active=True))
    signed_off_by = serializers.CharField(max_length=64)
    replied_at = serializers.DateTimeField(required=False, allow_null=True)
    attachments = serializers.ListField(
        child=serializers.FileField(validators=[validate_attachment]), required=False, default=list, max_length=10,
        help_text=_("新上传的附件（multipart/form-data）"),
    )


class SuggestionRateInputSerializer(serializers.Serializer):
    process_rating = serializers.ChoiceField(choices=Satisfaction.choices)
    result_rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionFollowUpRoundInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=128)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField()
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1954, max_value=2100)
    suggestions = serializers.PrimaryKeyRelatedField(queryset=Suggestion.objects.submitted(), many=True)


class SuggestionSecondReplyInputSerializer(serializers.Serializer):
    content = serializers.CharField()
    result_category = serializers.PrimaryKeyRelatedField(queryset=ResultCategory.objects.filter(is_active=True), required=False, allow_null=True)


class SuggestionSecondRatingInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel 文件（.xlsx），列见导入模板"))
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())


class SuggestionImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class SuggestionDashboardSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.ListField(child=serializers.DictField())
    by_category = serializers.ListField(child=serializers.DictField())
    by_unit = serializers.ListField(child=serializers.DictField())
    by_result_category = serializers.ListField(child=serializers.DictField())
    overdue = serializers.IntegerField()
    key_supervision = serializers.IntegerField()
    rated_replies = serializers.IntegerField()
    satisfied_replies = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    first_replies_due = serializers.IntegerField()
    first_replies_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)

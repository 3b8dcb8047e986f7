"""Serializers. Public ones carry no personal data; the issue serializer for
handling units leaves out who raised the issue."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deputies.models import Deputy, HandlingUnit
from suggestions.models import SuggestionCategory

from . import selectors
from .models import Activity, Issue, IssueCategory, ReceptionRule, Station, Visit


class DeputyNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class StationListSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    deputy_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Station
        fields = ["id", "name", "kind", "kind_label", "area_code", "area_name", "address", "latitude", "longitude",
                  "opening_hours", "public_phone", "deputy_count"]


class StationedDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="deputy.id")
    name = serializers.CharField(source="deputy.name")
    levels = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_levels(self, stationing):
        return [str(m.deputy_title) for m in stationing.deputy.serving_mandates]


class ReceptionRuleSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)
    deputies = DeputyNameSerializer(many=True, read_only=True)

    class Meta:
        model = ReceptionRule
        fields = ["id", "title", "description", "frequency", "interval", "weekday", "week_of_month", "day_of_month",
                  "start_time", "end_time", "starts_on", "ends_on", "deputies", "note"]


class ReceptionDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    title = serializers.CharField()
    deputies = DeputyNameSerializer(many=True)


class StationDetailSerializer(StationListSerializer):
    deputies = StationedDeputySerializer(source="active_stationings", many=True, read_only=True)
    reception_rules = ReceptionRuleSerializer(source="active_rules", many=True, read_only=True)
    upcoming_receptions = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta(StationListSerializer.Meta):
        fields = [f for f in StationListSerializer.Meta.fields if f != "deputy_count"] + [
            "introduction", "deputies", "reception_rules", "upcoming_receptions", "public_url",
        ]

    @extend_schema_field(ReceptionDateSerializer(many=True))
    def get_upcoming_receptions(self, station):
        rows = selectors.upcoming_receptions(station=station)
        return ReceptionDateSerializer(
            [{"date": day, "start_time": r.start_time, "end_time": r.end_time, "title": r.title,
              "deputies": r.deputies.all()} for day, r in rows],
            many=True,
        ).data

    def get_public_url(self, station) -> str:
        from .qr import station_public_url

        return station_public_url(station)


class IssueEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    move = serializers.CharField()
    move_label = serializers.CharField()
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    note = serializers.CharField()


class IssueSerializer(serializers.ModelSerializer):
    """For keepers, stationed deputies and staff."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    forwarded_unit_name = serializers.CharField(source="forwarded_unit.name", read_only=True, default="")
    is_feedback_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Issue
        fields = ["id", "station", "station_name", "source", "visit", "addressed_to", "category", "category_name",
                  "content", "raised_by_name", "raised_by_contact", "consents_to_contact", "status", "status_label",
                  "answer", "forwarded_unit", "forwarded_unit_name", "forwarded_at", "feedback_due_on", "feedback",
                  "feedback_at", "is_feedback_overdue", "taken_up_by", "suggestion", "outcome", "resolved_at",
                  "created_at"]
        read_only_fields = fields


class UnitIssueSerializer(IssueSerializer):
    """For handling units: the issue without who raised it."""

    class Meta(IssueSerializer.Meta):
        fields = [f for f in IssueSerializer.Meta.fields
                  if f not in ("raised_by_name", "raised_by_contact", "consents_to_contact", "visit")]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class ForwardSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True))
    due_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField()


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.PrimaryKeyRelatedField(queryset=SuggestionCategory.objects.filter(is_active=True))
    content = serializers.CharField(required=False, allow_blank=True, default="")
    deputy = serializers.PrimaryKeyRelatedField(
        queryset=Deputy.objects.all(), required=False, allow_null=True,
        help_text=_("仅工作人员代为录入时填写领衔代表；代表本人提交时以本人名义领衔。"),
    )


class VisitorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    consents_to_contact = serializers.BooleanField(required=False, default=False)


class IssueInputSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=IssueCategory.objects.filter(is_active=True),
                                                  required=False, allow_null=True)
    content = serializers.CharField(max_length=5000)
    raised_by_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    raised_by_contact = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    consents_to_contact = serializers.BooleanField(required=False, default=False)


class VisitSerializer(serializers.ModelSerializer):
    deputies = DeputyNameSerializer(many=True, read_only=True)
    deputy_ids = serializers.PrimaryKeyRelatedField(
        queryset=Deputy.objects.all(), many=True, write_only=True, required=False, source="deputy_list"
    )
    visitors = VisitorInputSerializer(many=True, required=False)
    issues = IssueInputSerializer(many=True, required=False, write_only=True)
    issue_ids = serializers.PrimaryKeyRelatedField(source="issues", many=True, read_only=True)
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "station", "received_on", "people_count", "deputies", "deputy_ids", "visitors", "issues",
                  "issue_ids", "activity", "summary", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"people_count": {"required": False}}

    def validate_received_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("接待日期不能晚于今天。"))
        return value


class IssueCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = IssueCategory
        fields = ["id", "name"]

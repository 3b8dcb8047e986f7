"""DRF serializers. Deputies appear as id and name only: no ID number or phone."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deputies.models import Deputy, DeputyGroup, Level, Mandate, Occupation, Session, Term

from . import models as m


class DeputyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class TrainingPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.TrainingPlan
        fields = ["id", "term", "year", "title", "description", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        instance = m.TrainingPlan(**{**({} if self.instance is None else {"pk": self.instance.pk}), **attrs})
        instance.clean()
        return attrs


class TrainingSessionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    form_display = serializers.CharField(source="get_form_display", read_only=True)
    enrolled_count = serializers.IntegerField(read_only=True, required=False)
    attended_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = m.TrainingSession
        fields = [
            "id", "plan", "title", "kind", "kind_display", "form", "form_display", "field", "starts_at", "ends_at",
            "venue", "hours", "organiser", "description", "enrolled_count", "attended_count",
        ]

    def validate(self, attrs):
        merged = {f: getattr(self.instance, f) for f in ("kind", "field", "starts_at", "ends_at")} if self.instance else {}
        merged.update({k: v for k, v in attrs.items() if k in ("kind", "field", "starts_at", "ends_at")})
        m.TrainingSession(**merged).clean()
        return attrs


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.TrainingMaterial
        fields = ["id", "session", "title", "file", "url", "description", "is_published", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        # The file through the view that checks who may read it, never /media/.
        data = super().to_representation(instance)
        if instance.file:
            url = reverse("training:material_file", args=[instance.pk])
            request = self.context.get("request")
            data["file"] = request.build_absolute_uri(url) if request else url
        return data

    def validate(self, attrs):
        file = attrs.get("file", getattr(self.instance, "file", None))
        url = attrs.get("url", getattr(self.instance, "url", ""))
        if not file and not url:
            raise serializers.ValidationError(_("请上传文件或填写链接。"))
        return attrs


class EnrolmentSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(read_only=True)
    # Blank until the deputy checks in (a read-only ModelSerializer field loses allow_blank).
    check_in_method = serializers.ChoiceField(choices=m.CheckInMethod.choices, allow_blank=True, read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = m.Enrolment
        fields = [
            "id", "session", "session_title", "session_starts_at", "deputy", "source", "status", "status_display",
            "checked_in_at", "check_in_method", "hours_credited", "enrolled_at",
        ]
        read_only_fields = fields


class EnrolDeputiesSerializer(serializers.Serializer):
    deputies = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True)


class EnrolmentRuleSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=m.RuleKind.choices)
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.all(), required=False, allow_null=True)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    group = serializers.PrimaryKeyRelatedField(queryset=DeputyGroup.objects.all(), required=False, allow_null=True)
    field = serializers.ChoiceField(choices=Occupation.choices, required=False, allow_blank=True)

    class Meta:
        model = m.EnrolmentRule
        fields = ["id", "session", "kind", "term", "level", "group", "field", "applied_at", "enrolled_count"]
        read_only_fields = ["session", "applied_at", "enrolled_count"]


class MarkAttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class CheckInTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_in_seconds = serializers.IntegerField()


class LeaveRequestSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(source="enrolment.deputy", read_only=True)
    session = serializers.IntegerField(source="enrolment.session_id", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = m.LeaveRequest
        fields = [
            "id", "enrolment", "session", "deputy", "reason", "status", "status_display", "requested_at",
            "decided_at", "decision_note",
        ]
        read_only_fields = fields


class LeaveCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class LeaveDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class CoverageRowSerializer(serializers.Serializer):
    level = serializers.CharField()
    level_label = serializers.CharField()
    first_term = serializers.BooleanField()
    deputies = serializers.IntegerField()
    induction_done = serializers.IntegerField()
    duty_done = serializers.IntegerField()
    induction_share = serializers.FloatField(allow_null=True)
    duty_share = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    terms = serializers.SerializerMethodField()
    rows = CoverageRowSerializer(many=True)
    total = serializers.IntegerField()
    new_total = serializers.IntegerField()
    induction_done = serializers.IntegerField()
    duty_done = serializers.IntegerField()
    induction_share = serializers.FloatField(allow_null=True)
    duty_share = serializers.FloatField(allow_null=True)
    fully_covered = serializers.BooleanField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_terms(self, report):
        return [term.pk for term in report.terms]


class NotCoveredSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(read_only=True)
    term_name = serializers.CharField(source="term.__str__", read_only=True)
    induction_missing = serializers.SerializerMethodField()
    duty_missing = serializers.SerializerMethodField()

    class Meta:
        model = Mandate
        fields = ["id", "deputy", "level", "term", "term_name", "first_term", "induction_missing", "duty_missing"]

    def get_induction_missing(self, mandate) -> bool:
        return bool(mandate.first_term and not mandate.induction_done)

    def get_duty_missing(self, mandate) -> bool:
        return not mandate.duty_done


class DutyRecordSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(read_only=True)

    class Meta:
        model = m.DutyRecord
        fields = ["id", "deputy", "congress", "year", "score", "metrics", "rule_set", "computed_at"]
        read_only_fields = fields


class ScoreLineSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField()
    points_per_unit = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(max_digits=8, decimal_places=2)


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.FloatField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    available = serializers.BooleanField()
    figures = serializers.SerializerMethodField()

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, section):
        return [{"label": str(label), "value": value} for label, value in section.figures]


class LiveDutyRecordSerializer(serializers.Serializer):
    deputy = DeputyBriefSerializer()
    year = serializers.IntegerField()
    congress = serializers.CharField(allow_null=True, help_text="作为哪一级人大代表的履职档案")
    score = serializers.DecimalField(source="score.total", max_digits=8, decimal_places=2)
    rule_set = serializers.CharField(source="score.rule_set", allow_null=True)
    lines = ScoreLineSerializer(source="score.lines", many=True)
    sections = SectionSerializer(many=True)


class ScoringItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.ScoringItem
        fields = ["id", "rule_set", "metric", "label", "points_per_unit", "max_points", "position"]

    def validate_metric(self, value):
        from .duty.sources import metric_labels

        if value not in metric_labels():
            raise serializers.ValidationError(_("未知的计分项目。"))
        return value


class ScoringRuleSetSerializer(serializers.ModelSerializer):
    items = ScoringItemSerializer(many=True, read_only=True)

    class Meta:
        model = m.ScoringRuleSet
        fields = ["id", "name", "effective_from_year", "description", "items"]


class PlenaryAttendanceSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(read_only=True)

    class Meta:
        model = m.PlenaryAttendance
        fields = ["id", "session", "deputy", "status", "note", "recorded_at"]
        read_only_fields = fields


class PlenaryAttendanceBulkSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())
    deputies = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True)
    status = serializers.ChoiceField(choices=m.PlenaryAttendanceStatus.choices)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class DutyActivitySerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = m.DutyActivity
        fields = ["id", "deputy", "deputy_name", "kind", "title", "date", "description", "recorded_at"]
        read_only_fields = ["recorded_at"]

"""Serializers of the deputies API. Public and non-staff serializers never
carry the ID number or phone in the clear; only the staff serializers do."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    AdministrativeArea,
    Delegation,
    Deputy,
    DeputyGroup,
    HandlingUnit,
    Mandate,
    UnitContact,
)
from .validators import mask_id_number, mask_phone


class AreaSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)

    class Meta:
        model = AdministrativeArea
        fields = ("id", "code", "name", "kind", "kind_display", "parent_code")


class AreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeArea
        fields = ("code", "name")


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class DelegationSerializer(serializers.ModelSerializer):
    term_label = serializers.CharField(source="term.__str__", read_only=True)

    class Meta:
        model = Delegation
        fields = ("id", "name", "term", "term_label")


# ---------------------------------------------------------------------------
# Public directory


class DirectoryMandateSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    congress = serializers.CharField(source="congress.name", read_only=True)
    area = AreaBriefSerializer(source="congress.area", read_only=True)
    term = serializers.CharField(source="term.label", read_only=True)
    electoral_unit = serializers.CharField(source="electoral_unit.name", read_only=True, allow_null=True)
    delegation = NamedSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Mandate
        fields = ("level", "level_display", "congress", "area", "term", "electoral_unit", "delegation")


class DirectoryDeputySerializer(serializers.ModelSerializer):
    """Name, gender, levels, areas, delegations, groups: nothing personal."""

    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    mandates = DirectoryMandateSerializer(source="serving_mandates", many=True, read_only=True)
    groups = NamedSerializer(many=True, read_only=True)

    class Meta:
        model = Deputy
        fields = ("id", "name", "gender", "gender_display", "mandates", "groups")


# ---------------------------------------------------------------------------
# Staff


class MandateSerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)
    congress_name = serializers.CharField(source="congress.name", read_only=True)
    delegation_name = serializers.CharField(source="delegation.name", read_only=True, allow_null=True)

    class Meta:
        model = Mandate
        fields = (
            "id", "deputy", "deputy_name", "congress", "congress_name", "term", "level", "level_display",
            "electoral_unit", "delegation", "delegation_name", "card_number", "status", "status_display",
            "start_date", "end_date", "first_term",
        )
        # Uniqueness is checked by the model (full_clean in the service).
        validators = []


class StaffDeputySerializer(serializers.ModelSerializer):
    """Everything, for committee staff only."""

    mandates = MandateSerializer(many=True, read_only=True)
    groups = NamedSerializer(many=True, read_only=True)

    class Meta:
        model = Deputy
        fields = (
            "id", "name", "gender", "ethnicity", "birth_date", "party", "occupation", "work_unit", "title",
            "id_number", "phone", "user", "mandates", "groups", "created_at", "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"id_number": {"validators": []}}


class OwnDeputySerializer(serializers.ModelSerializer):
    """A deputy's own record: their personal data masked (the screen may be
    seen over a shoulder; staff hold the full record)."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    mandates = DirectoryMandateSerializer(many=True, read_only=True)
    groups = NamedSerializer(many=True, read_only=True)

    class Meta:
        model = Deputy
        fields = ("id", "name", "gender", "ethnicity", "party", "occupation", "work_unit", "title",
                  "id_number", "phone", "mandates", "groups")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, obj):
        return mask_phone(obj.phone)


class DeputyGroupSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True, allow_null=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    members = serializers.PrimaryKeyRelatedField(many=True, queryset=Deputy.objects.all(), required=False)

    class Meta:
        model = DeputyGroup
        fields = ("id", "name", "area", "area_name", "is_mixed", "leader", "leader_name", "members")
        validators = []


class UnitContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitContact
        fields = ("id", "unit", "name", "position", "phone", "email", "user", "receives_notices")


class HandlingUnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = ("id", "name", "short_name", "code", "kind", "kind_display", "parent", "area", "is_active")
        validators = []
        extra_kwargs = {"name": {"validators": []}, "code": {"validators": []}}


class StaffHandlingUnitSerializer(HandlingUnitSerializer):
    contacts = UnitContactSerializer(many=True, read_only=True)

    class Meta(HandlingUnitSerializer.Meta):
        fields = HandlingUnitSerializer.Meta.fields + ("contacts",)

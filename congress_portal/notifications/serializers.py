from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    subject = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "kind_display", "subject", "body", "link", "created_at", "read_at", "is_read",
            "attachment_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_url(self, obj):
        if not obj.has_attachment:
            return None
        return reverse("notifications:attachment", args=[obj.pk])


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()

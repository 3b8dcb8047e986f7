"""The inbox API: /notifications/api/ (mounted from this app's urls)."""
import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import Kind
from .serializers import MarkReadResultSerializer, MarkReadSerializer, NotificationSerializer, UnreadCountSerializer


class InboxFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="未读")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label="类型")


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's messages (their own, their unit's, theirs as a deputy)."""

    serializer_class = NotificationSerializer
    filterset_class = InboxFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.inbox(user=self.request.user)

    @extend_schema(request=MarkReadSerializer, responses=MarkReadResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        marked = services.mark_read(user=request.user, notification_ids=ids)
        return Response({"marked": marked})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def mark_one_read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})

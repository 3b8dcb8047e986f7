"""REST API of liaison stations, mounted at /api/stations/.

- ``stations/`` (read, anyone): the directory and a station's public page data;
- ``issues/`` (signed in, scoped by ``Issue.objects.visible_to``): the issue
  queue, with ``answer``, ``forward``, ``feedback``, ``close`` and ``suggest`` actions;
- ``visits/`` (keepers of the station, staff): the visit register, and recording a visit;
- ``categories/`` (signed in): issue categories.
Writes go through liaison_stations.services; the public message form is a page
only (it needs the form's honeypot and signed start time)."""
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from congress_portal.accounts import roles
from deputies.models import Deputy

from . import selectors, serializers, services
from .filters import IssueFilter, StationFilter
from .models import Issue, IssueCategory, Station, Visit


class StationViewSet(viewsets.ReadOnlyModelViewSet):
    """Stations: who is stationed there and when receptions are. Public; no personal data."""

    permission_classes = [permissions.AllowAny]
    filterset_class = StationFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.station_directory()

    def get_serializer_class(self):
        return serializers.StationDetailSerializer if self.action == "retrieve" else serializers.StationListSerializer

    def get_object(self):
        try:
            return selectors.public_station(pk=int(self.kwargs["pk"]))
        except (Station.DoesNotExist, ValueError):
            raise Http404 from None


class IssueViewSet(viewsets.ReadOnlyModelViewSet):
    """Issues raised at stations. Keepers and stationed deputies see their
    stations' issues, a unit the issues forwarded to it, staff all; handling
    units never see who raised an issue."""

    filterset_class = IssueFilter
    ordering_fields = ["created_at", "feedback_due_on"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        return Issue.objects.visible_to(self.request.user).select_related(
            "station", "category", "forwarded_unit"
        ).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        if roles.is_unit_member(self.request.user):
            return serializers.UnitIssueSerializer
        return serializers.IssueSerializer

    def _run(self, request, input_serializer, call):
        issue = self.get_object()
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = call(issue, data.validated_data)
        issue = self.get_queryset().get(pk=issue.pk)
        return Response(self.get_serializer(issue).data)

    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.IssueSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._run(request, serializers.AnswerSerializer, lambda issue, d: services.answer_issue(
            issue=issue, answer=d["answer"], actor=request.user))

    @extend_schema(request=serializers.ForwardSerializer, responses=serializers.IssueSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._run(request, serializers.ForwardSerializer, lambda issue, d: services.forward_issue(
            issue=issue, unit=d["unit"], due_on=d.get("due_on"), note=d.get("note", ""), actor=request.user))

    @extend_schema(request=serializers.FeedbackSerializer, responses=serializers.UnitIssueSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        return self._run(request, serializers.FeedbackSerializer, lambda issue, d: services.give_feedback(
            issue=issue, feedback=d["feedback"], actor=request.user))

    @extend_schema(request=serializers.CloseSerializer, responses=serializers.IssueSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, serializers.CloseSerializer, lambda issue, d: services.close_issue(
            issue=issue, outcome=d.get("outcome", ""), actor=request.user))

    @extend_schema(request=serializers.SuggestSerializer, responses=serializers.IssueSerializer)
    @action(detail=True, methods=["post"])
    def suggest(self, request, pk=None):
        def call(issue, d):
            deputy = roles.deputy_of(request.user) if not roles.is_staff_member(request.user) else d.get("deputy")
            return services.take_up_as_suggestion(issue=issue, deputy=deputy, title=d["title"], category=d["category"],
                                                  content=d.get("content", ""), actor=request.user)

        return self._run(request, serializers.SuggestSerializer, call)


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The visit register of the stations the user keeps (staff: all)."""

    serializer_class = serializers.VisitSerializer
    ordering_fields = ["received_on"]
    filterset_fields = ["station"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Visit.objects.none()
        return (
            Visit.objects.filter(station__in=Station.objects.recordable_by(self.request.user))
            .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")), "visitors", "issues")
            .order_by("-received_on", "-pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        station = data["station"]
        if not Station.objects.recordable_by(request.user).filter(pk=station.pk).exists():
            raise NotFound
        visit = services.record_visit(
            station=station, received_on=data["received_on"], people_count=data.get("people_count"),
            deputies=data.get("deputy_list", []), visitors=data.get("visitors", []), issues=data.get("issues", []),
            activity=data.get("activity"), summary=data.get("summary", ""), actor=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data, status=status.HTTP_201_CREATED)


class IssueCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IssueCategory.objects.filter(is_active=True)
    serializer_class = serializers.IssueCategorySerializer
    pagination_class = None


router = DefaultRouter()
router.register("stations", StationViewSet, basename="station")
router.register("issues", IssueViewSet, basename="issue")
router.register("visits", VisitViewSet, basename="visit")
router.register("categories", IssueCategoryViewSet, basename="issue-category")
urlpatterns = router.urls

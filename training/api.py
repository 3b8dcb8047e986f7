"""The training REST API: thin views over selectors and services. Lists are
scoped in the queryset, so another role's object answers 404."""
import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from congress_portal.accounts import roles
from deputies.models import Deputy, Level, Term

from . import models as m
from . import permissions as perms
from . import selectors, serializers, services
from .duty.records import record_for
from .tokens import make_checkin_token


class IsCommitteeStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return perms.can_manage_training(request.user)


class StaffWritesOnly(permissions.BasePermission):
    """Reading is scoped by the queryset; writing is for staff."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.is_authenticated
        return perms.can_manage_training(request.user)


class SessionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="plan__year")

    class Meta:
        model = m.TrainingSession
        fields = ["plan", "kind", "form", "field", "year"]


def _own_congress(user, congress_id):
    if not roles.acts_on(user, congress_id):
        raise exceptions.PermissionDenied(_("只能办理本级人大的事项。"))


class TrainingPlanViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.TrainingPlanSerializer
    permission_classes = [IsCommitteeStaff]
    filterset_fields = ["term", "year"]
    ordering_fields = ["year", "title"]
    queryset = m.TrainingPlan.objects.select_related("term__congress").order_by("-year", "title", "pk")

    def get_queryset(self):  # its own congress's plans
        return roles.scope_to_congress(super().get_queryset(), self.request.user, "term__congress")

    def perform_create(self, serializer):
        _own_congress(self.request.user, serializer.validated_data["term"].congress_id)
        serializer.save()

    def perform_update(self, serializer):
        _own_congress(self.request.user, serializer.validated_data.get("term", serializer.instance.term).congress_id)
        serializer.save()


class TrainingSessionViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.TrainingSessionSerializer
    permission_classes = [StaffWritesOnly]
    filterset_class = SessionFilter
    ordering_fields = ["starts_at", "title"]

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user).order_by("-starts_at", "pk")

    def perform_create(self, serializer):
        _own_congress(self.request.user, serializer.validated_data["plan"].term.congress_id)
        serializer.instance = services.save_session(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        _own_congress(self.request.user, serializer.validated_data.get("plan", serializer.instance.plan).term.congress_id)
        serializer.instance = services.save_session(
            actor=self.request.user, session=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=serializers.CheckInTokenSerializer)
    @action(detail=True, methods=["get"], url_path="checkin-token", permission_classes=[IsCommitteeStaff])
    def checkin_token(self, request, pk=None):
        """A fresh token for the session's QR code (shown at the venue)."""
        session = self.get_object()
        token = make_checkin_token(session)
        policy = m.TrainingPolicy.current()
        url = request.build_absolute_uri(reverse("training:check-in") + f"?t={token}")
        return Response({"token": token, "url": url, "expires_in_seconds": policy.checkin_token_minutes * 60})

    @extend_schema(request=serializers.EnrolmentRuleSerializer, responses=serializers.EnrolmentRuleSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def rules(self, request, pk=None):
        """Add an enrolment rule to the session and apply it."""
        session = self.get_object()
        data = serializers.EnrolmentRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.add_enrolment_rule(session=session, actor=request.user, **data.validated_data)
        return Response(serializers.EnrolmentRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.EnrolDeputiesSerializer, responses={200: None})
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def enrol(self, request, pk=None):
        """Enrol deputies by hand."""
        session = self.get_object()
        data = serializers.EnrolDeputiesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.enrol_deputies(session=session, deputies=data.validated_data["deputies"], actor=request.user)
        return Response({"enrolled": count})


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.EnrolmentSerializer
    filterset_fields = ["session", "status", "source"]
    ordering_fields = ["enrolled_at", "checked_in_at"]

    def get_queryset(self):
        return selectors.enrolments_visible_to(self.request.user).order_by("-session__starts_at", "pk")

    @extend_schema(request=serializers.MarkAttendanceSerializer, responses=serializers.EnrolmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def mark(self, request, pk=None):
        """Staff record attendance (or undo it), optionally with fewer hours."""
        enrolment = self.get_object()  # another congress's answers 404 before the body is read
        data = serializers.MarkAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.mark_attendance(
            enrolment=enrolment, attended=data.validated_data["attended"],
            hours=data.validated_data.get("hours"), actor=request.user,
        )
        return Response(serializers.EnrolmentSerializer(enrolment).data)

    @extend_schema(request=serializers.LeaveCreateSerializer, responses=serializers.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """The deputy asks for leave from the session."""
        enrolment = self.get_object()
        data = serializers.LeaveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        leave = services.request_leave(enrolment=enrolment, reason=data.validated_data["reason"], user=request.user)
        return Response(serializers.LeaveRequestSerializer(leave).data, status=status.HTTP_201_CREATED)


class CheckInView(APIView):
    """A deputy checks in with the token from the session's QR code."""

    @extend_schema(request=serializers.CheckInSerializer, responses=serializers.EnrolmentSerializer)
    def post(self, request):
        data = serializers.CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.check_in(user=request.user, token=data.validated_data["token"])
        return Response(serializers.EnrolmentSerializer(enrolment).data)


class LeaveRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.LeaveRequestSerializer
    filterset_fields = ["status"]
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return selectors.leave_requests_visible_to(self.request.user).order_by("-requested_at", "pk")

    @extend_schema(request=serializers.LeaveDecisionSerializer, responses=serializers.LeaveRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def decide(self, request, pk=None):
        leave_request = self.get_object()
        data = serializers.LeaveDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        leave = services.decide_leave(
            leave_request=leave_request, approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""), actor=request.user,
        )
        return Response(serializers.LeaveRequestSerializer(leave).data)


class MaterialViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.MaterialSerializer
    permission_classes = [StaffWritesOnly]
    filterset_fields = ["session"]
    ordering_fields = ["created_at", "title"]

    def get_queryset(self):
        return selectors.materials_visible_to(self.request.user).order_by("-created_at", "pk")


def _terms_from(request):
    """The terms asked for (or the current ones) of the congresses the staff user sees."""
    term_id = request.query_params.get("term")
    if term_id:
        terms = Term.objects.filter(pk=term_id) if term_id.isdigit() else Term.objects.none()
    else:
        terms = selectors.current_terms()
    return roles.scope_to_congress(terms, request.user, supervise=True)


COVERAGE_PARAMS = [
    OpenApiParameter("term", int, description="届的编号;不填则为当前在任的各届"),
    OpenApiParameter("level", str, enum=Level.values),
]


class CoverageView(APIView):
    permission_classes = [IsCommitteeStaff]

    @extend_schema(parameters=COVERAGE_PARAMS, responses=serializers.CoverageSerializer)
    def get(self, request):
        report = selectors.coverage_report(terms=list(_terms_from(request)), level=request.query_params.get("level") or None)
        return Response(serializers.CoverageSerializer(report).data)


class NotCoveredViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The deputies not yet covered (new deputies without induction, anyone without duty training)."""

    serializer_class = serializers.NotCoveredSerializer
    permission_classes = [IsCommitteeStaff]
    filter_backends = []

    @extend_schema(parameters=COVERAGE_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.not_covered(terms=_terms_from(self.request), level=self.request.query_params.get("level") or None)


class DutyRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stored yearly records, one per deputy, congress and year (refreshed by
    staff or the nightly task). Staff see their congress's and those below it
    (``congress`` filters); a deputy their own."""

    serializer_class = serializers.DutyRecordSerializer
    filterset_fields = ["year", "congress"]
    ordering_fields = ["score", "year"]

    def get_queryset(self):
        return selectors.duty_records_visible_to(self.request.user).order_by("-year", "-score", "deputy_id")

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True), OpenApiParameter("deputy", int, description="工作人员查询时填写"),
                    OpenApiParameter("congress", int, description="作为哪一级人大代表的履职档案；不填则为可查看的最高一级")],
        responses=serializers.LiveDutyRecordSerializer,
    )
    @action(detail=False, methods=["get"])
    def live(self, request):
        """The record computed now, with the score's breakdown."""
        year = request.query_params.get("year", "")
        year = int(year) if year.isdigit() else timezone.localdate().year
        deputy_id = request.query_params.get("deputy")
        if roles.is_staff_member(request.user) and deputy_id:
            deputy = get_object_or_404(Deputy, pk=deputy_id)
        else:
            deputy = roles.deputy_of(request.user)
            if deputy is None:
                return Response(status=status.HTTP_404_NOT_FOUND)
        record = None
        if perms.can_view_duty_record(request.user, deputy):
            record = record_for(user=request.user, deputy=deputy, year=year, with_details=False,
                                congress_id=request.query_params.get("congress"))
        if record is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        return Response(serializers.LiveDutyRecordSerializer(record).data)


class ScoringRuleSetViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.ScoringRuleSetSerializer
    permission_classes = [IsCommitteeStaff]
    queryset = m.ScoringRuleSet.objects.prefetch_related("items").order_by("-effective_from_year")
    filter_backends = []


class ScoringItemViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.ScoringItemSerializer
    permission_classes = [IsCommitteeStaff]
    queryset = m.ScoringItem.objects.order_by("rule_set_id", "position", "pk")
    filterset_fields = ["rule_set"]
    ordering_fields = ["position"]


class PlenaryAttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.PlenaryAttendanceSerializer
    permission_classes = [IsCommitteeStaff]
    queryset = m.PlenaryAttendance.objects.select_related("deputy").order_by("session_id", "deputy_id")
    filterset_fields = ["session", "status"]
    ordering_fields = ["recorded_at"]

    @extend_schema(request=serializers.PlenaryAttendanceBulkSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def record(self, request):
        """Record the attendance of several deputies at a plenary."""
        data = serializers.PlenaryAttendanceBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.record_plenary_attendance(actor=request.user, **data.validated_data)
        return Response({"recorded": count})


class DutyActivityViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.DutyActivitySerializer
    permission_classes = [StaffWritesOnly]
    filterset_fields = ["kind", "deputy"]
    ordering_fields = ["date"]

    def get_queryset(self):
        return selectors.activities_visible_to(self.request.user).order_by("-date", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.record_activity(
            deputy=data["deputy"], kind=data["kind"], title=data["title"], date=data["date"],
            description=data.get("description", ""), actor=self.request.user,
        )


router = DefaultRouter()
router.register("plans", TrainingPlanViewSet, basename="training-plan")
router.register("sessions", TrainingSessionViewSet, basename="training-session")
router.register("enrolments", EnrolmentViewSet, basename="training-enrolment")
router.register("leave-requests", LeaveRequestViewSet, basename="training-leave")
router.register("materials", MaterialViewSet, basename="training-material")
router.register("not-covered", NotCoveredViewSet, basename="training-not-covered")
router.register("duty-records", DutyRecordViewSet, basename="duty-record")
router.register("scoring-rule-sets", ScoringRuleSetViewSet, basename="scoring-rule-set")
router.register("scoring-items", ScoringItemViewSet, basename="scoring-item")
router.register("plenary-attendance", PlenaryAttendanceViewSet, basename="plenary-attendance")
router.register("activities", DutyActivityViewSet, basename="duty-activity")

urlpatterns = [
    path("checkin/", CheckInView.as_view(), name="training-check-in"),
    path("coverage/", CoverageView.as_view(), name="training-coverage"),
] + router.urls

"""The voting app's REST API: thin views over services and selectors."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from congress_portal.accounts import roles
from congress_portal.client_address import client_address

from . import exports, permissions, selectors, services
from . import serializers as s
from .models import BallotStatus, ProjectCall, Proposal


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls for candidate projects (open to everyone), with their published ratings."""

    permission_classes = [AllowAny]
    serializer_class = s.ProjectCallSerializer
    queryset = ProjectCall.objects.select_related("congress").order_by("-year", "congress__area__code", "pk")
    filterset_fields = ["congress", "year"]

    @extend_schema(responses=s.RatingResultSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # one call's results, whole
    def ratings(self, request, pk=None):
        call = self.get_object()
        if call.rating_status != ProjectCall.RatingStatus.PUBLISHED and not roles.sees(request.user, call.congress_id):
            raise Http404
        return Response(s.RatingResultSerializer(selectors.rating_results(call), many=True).data)


class PublicProposalView(generics.CreateAPIView):
    """The public's proposal form: no sign-in, rate limited per sender."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = s.PublicProposalSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        call = data.pop("call")
        try:
            serializer.instance = services.submit_public_proposal(call=call, client_address=client_address(self.request), **data)
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "throttled":
                raise exceptions.Throttled(detail=exc.messages[0]) from None
            raise


class ProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Staff see every proposal; deputies and departments their own, and submit new ones."""

    filterset_fields = ["call", "source", "status"]
    queryset = Proposal.objects.none()  # for the schema; get_queryset scopes the real one

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        qs = selectors.proposals_for_staff()
        if permissions.can_manage(self.request.user):
            return roles.scope_to_congress(qs, self.request.user, "call__congress")
        return qs.filter(submitted_by=self.request.user)

    def get_serializer_class(self):
        if permissions.can_manage(self.request.user):
            return s.StaffProposalSerializer
        return s.ProposalSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.submit_proposal(actor=self.request.user, **data)

    @extend_schema(request=s.AdoptSerializer, responses=s.ProjectSerializer)
    @action(detail=False, methods=["post"])
    def adopt(self, request):
        """Adopt proposals as one project, merging duplicates."""
        data = s.AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.adopt_proposals(actor=request.user, **data.validated_data)
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RejectSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()  # another congress's answers 404 before the body is read
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.reject_proposal(proposal=proposal, actor=request.user, note=data.validated_data["note"])
        return Response(s.ProposalSerializer(proposal).data)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects: staff see all; units their own; everyone the chosen ones."""

    permission_classes = [AllowAny]
    serializer_class = s.ProjectSerializer
    filterset_fields = ["congress", "call", "status", "responsible_unit"]
    ordering_fields = ["id", "percent_done", "estimated_budget"]

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user).order_by("-call__year", "pk")

    @extend_schema(responses=s.MilestoneSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # one project's milestones, whole
    def milestones(self, request, pk=None):
        return Response(s.MilestoneSerializer(self.get_object().milestones.all(), many=True).data)

    @extend_schema(request={"multipart/form-data": s.ProgressReportSerializer}, responses=s.ProgressReportSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="progress-reports", permission_classes=[IsAuthenticated], pagination_class=None)
    def progress_reports(self, request, pk=None):
        project = self.get_object()
        if request.method == "GET":
            reports = project.progress_reports.prefetch_related("photos")
            return Response(s.ProgressReportSerializer(reports, many=True).data)
        if not permissions.can_report_progress(request.user, project):  # those above read, they do not report
            raise exceptions.PermissionDenied(_("只有该项目的责任单位可以报送进展。"))
        data = s.ProgressReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        photos = [(upload, "") for upload in fields.pop("upload_photos", [])]
        fields.pop("photos", None)
        report = services.submit_progress_report(project=project, actor=request.user, photos=photos, **fields)
        return Response(s.ProgressReportSerializer([report], many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RatingSerializer, responses={204: OpenApiResponse(description=_("已记录"))})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def rate(self, request, pk=None):
        project = self.get_object()
        if not permissions.can_rate(request.user, project):  # those above read it; its deputies rate it
            raise exceptions.PermissionDenied(_("只有本级人大代表可以对票决项目进行测评。"))
        data = s.RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rate_project(project=project, actor=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportsDueView(generics.ListAPIView):
    """Chosen projects whose progress report is due or overdue (staff)."""

    serializer_class = s.ReportDueSerializer
    pagination_class = None
    queryset = ProjectCall.objects.none()  # the list is built by selectors.progress_reports_due

    def list(self, request, *args, **kwargs):
        if not permissions.can_manage(request.user):
            raise exceptions.PermissionDenied()
        return Response(self.get_serializer(selectors.progress_reports_due(user=request.user), many=True).data)


class BallotViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Ballots of every congress (staff), a deputy's own and published ones.
    Writes go through the services; the vote action is the deputy's ballot."""

    permission_classes = [AllowAny]
    filterset_fields = {"congress": ["exact"], "call__year": ["exact"], "status": ["exact"], "congress__level": ["exact"]}
    ordering_fields = ["id", "published_at"]

    def get_queryset(self):
        qs = selectors.ballot_overview(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("candidates__project__responsible_unit", "candidates__project__congress", "candidates__project__call", "review_decisions__stage")
        return qs

    def get_serializer_class(self):
        return s.BallotDetailSerializer if self.action == "retrieve" else s.BallotSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_ballot(
            call=data["call"], title=data["title"], seats=data["seats"], session=data.get("session"), actor=self.request.user
        )
        serializer.instance = selectors.ballot_overview(self.request.user).get(pk=serializer.instance.pk)

    def _staff_ballot(self):
        ballot = self.get_object()
        if not permissions.can_manage(self.request.user, ballot):  # another congress's ballot
            raise Http404
        return ballot

    def _detail(self, ballot):
        ballot = self.get_queryset().prefetch_related("candidates__project", "review_decisions__stage").get(pk=ballot.pk)
        return Response(s.BallotDetailSerializer(ballot).data)

    @extend_schema(request=s.CandidatesInputSerializer, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"])
    def candidates(self, request, pk=None):
        ballot = self._staff_ballot()
        data = s.CandidatesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = services.set_candidates(ballot=ballot, projects=data.validated_data["projects"], actor=request.user)
        return self._detail(ballot)

    @extend_schema(request=None, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"], url_path="submit-review")
    def submit_review(self, request, pk=None):
        return self._detail(services.submit_for_review(ballot=self._staff_ballot(), actor=request.user))

    @extend_schema(request=s.ReviewDecisionSerializer, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        ballot = self._staff_ballot()
        data = s.ReviewDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = services.record_review(ballot=ballot, actor=request.user, **data.validated_data)
        return self._detail(ballot)

    @extend_schema(request=None, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_voting(self, request, pk=None):
        return self._detail(services.open_voting(ballot=self._staff_ballot(), actor=request.user))

    @extend_schema(request=s.AttendanceSerializer, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = s.AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = self._staff_ballot()
        services.record_attendance(
            ballot=ballot, present_deputy_ids=data.validated_data["present"], absent_deputy_ids=data.validated_data["absent"], actor=request.user
        )
        return Response(s.BallotSerializer(self.get_queryset().get(pk=ballot.pk)).data)

    @extend_schema(request=s.PaperBatchInputSerializer, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"], url_path="paper-batches")
    def paper_batches(self, request, pk=None):
        ballot = self._staff_ballot()
        data = s.PaperBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.enter_paper_batch(
            ballot=ballot, label=data.validated_data["label"], deputy_ids=data.validated_data["deputies"],
            ballots=data.validated_data["ballots"], actor=request.user,
        )
        return Response(s.BallotSerializer(self.get_queryset().get(pk=ballot.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VoteSerializer, responses={201: s.ReceiptSerializer, 409: OpenApiResponse(description=_("已经投过票或投票未开放"))})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def vote(self, request, pk=None):
        """The deputy's secret ballot. The receipt code is in this response only."""
        # Scoped like every read, without the list's figures: this is the hot path.
        ballot = get_object_or_404(selectors.ballots_visible_to(request.user), pk=pk)
        if roles.deputy_of(request.user) is None:  # staff who see the ballot do not vote in it
            raise exceptions.PermissionDenied(_("只有人大代表可以投票。"))
        data = s.VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.cast_ballot(ballot=ballot, actor=request.user, marks=data.validated_data["marks"])
        return Response({"receipt": code, "message": _("投票成功。请保存回执码，可用于核验您的选票已被计入。")}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._detail(services.close_voting(ballot=self._staff_ballot(), actor=request.user))

    @extend_schema(request=None, responses=s.ResultSheetSerializer)
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        services.tally_ballot(ballot=self._staff_ballot(), actor=request.user)
        return self._result_sheet(self.get_queryset().get(pk=pk))

    @extend_schema(request=None, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._detail(services.publish_results(ballot=self._staff_ballot(), actor=request.user))

    @extend_schema(request=None, responses=s.BallotDetailSerializer)
    @action(detail=True, methods=["post"], url_path="declare-invalid")
    def declare_invalid(self, request, pk=None):
        return self._detail(services.declare_invalid(ballot=self._staff_ballot(), actor=request.user))

    @extend_schema(request=None, responses={201: s.BallotDetailSerializer})
    @action(detail=True, methods=["post"])
    def runoff(self, request, pk=None):
        runoff = services.start_runoff(ballot=self._staff_ballot(), actor=request.user)
        response = self._detail(runoff)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(responses=s.ElectorSerializer(many=True))
    @action(detail=True, methods=["get"])
    def roll(self, request, pk=None):
        """The roll call: who is on the roll, present, and has voted (never how)."""
        electors = selectors.roll_call(self._staff_ballot())
        page = self.paginate_queryset(electors)
        return self.get_paginated_response(s.ElectorSerializer(page, many=True).data)

    def _results_ballot(self):
        ballot = self.get_object()
        visible = BallotStatus.PUBLISHED if not permissions.can_manage(self.request.user) else None
        if ballot.status not in (BallotStatus.TALLIED, BallotStatus.PUBLISHED) or (visible and ballot.status != visible):
            raise Http404
        return ballot

    def _result_sheet(self, ballot):
        return Response(
            s.ResultSheetSerializer({"ballot": ballot, "summary": ballot.summary, "lines": selectors.result_sheet(ballot)}).data
        )

    @extend_schema(responses=s.ResultSheetSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        return self._result_sheet(self._results_ballot())

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        ballot = self._results_ballot()
        response = HttpResponse(
            exports.result_workbook(ballot), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-results.xlsx"'
        return response

    @extend_schema(responses=s.RecountSerializer)
    @action(detail=True, methods=["get"])
    def recount(self, request, pk=None):
        """Count the stored ballots again and compare with the published sheet."""
        ballot = self._staff_ballot()
        if ballot.status not in (BallotStatus.TALLIED, BallotStatus.PUBLISHED):
            raise Http404
        _fresh, differences = services.recount(ballot)
        return Response({"same": not differences, "differences": differences})


class ReceiptCheckView(APIView):
    """Whether the ballot with this receipt code is stored and counted. It never
    says how the ballot was marked."""

    permission_classes = [AllowAny]
    serializer_class = s.ReceiptCheckSerializer

    @extend_schema(request=s.ReceiptCheckSerializer, responses=s.ReceiptCheckSerializer)
    def post(self, request):
        data = s.ReceiptCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = selectors.check_receipt(data.validated_data["code"])
        return Response(s.ReceiptCheckSerializer(check).data)


router = DefaultRouter()
router.register("calls", CallViewSet, basename="voting-call")
router.register("proposals", ProposalViewSet, basename="voting-proposal")
router.register("projects", ProjectViewSet, basename="voting-project")
router.register("ballots", BallotViewSet, basename="voting-ballot")

urlpatterns = [
    path("public-proposals/", PublicProposalView.as_view(), name="voting-public-proposal"),
    path("receipts/check/", ReceiptCheckView.as_view(), name="voting-receipt-check"),
    path("reports-due/", ReportsDueView.as_view(), name="voting-reports-due"),
    *router.urls,
]

"""REST API of the suggestions: lists and details scoped by ``visible_to``, and
one POST endpoint per move, each calling its service. Mounted at /api/suggestions/.

Another role's object answers 404 (the querysets are scoped); a move the
state table refuses answers 400, a wrong actor 403, a concurrent change 409."""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from congress_portal.accounts import roles
from congress_portal.api import KeysetPagination, StandardPagination

from . import excel, selectors, services
from . import serializers as s
from .filters import AssignmentFilter, PublicSuggestionFilter, SuggestionFilter
from .models import Assignment, FollowUpItem, FollowUpRound, ReassignmentRequest, Reply, ResultCategory, Suggestion, SuggestionCategory


class IsStaffMember(permissions.BasePermission):
    def has_permission(self, request, view):
        return roles.is_staff_member(request.user)


def _detail(request, suggestion_id):
    obj = selectors.suggestion_detail(user=request.user, pk=suggestion_id)
    return Response(s.SuggestionDetailSerializer(obj, context={"request": request}).data)


def _input(serializer_class, request):
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


ACTION = dict(responses={200: s.SuggestionDetailSerializer, 400: OpenApiResponse(description="move refused"), 409: OpenApiResponse(description="conflict")})


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Suggestions the user may see (deputy: led or co-signed; unit: assigned
    to it; staff: all), with the moves as actions. The list is newest
    submitted first, paged by keyset (``next``/``previous`` links, no count);
    the queues below keep their own order and page numbers."""

    serializer_class = s.SuggestionListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SuggestionFilter
    keyset_keys = selectors.LIST_KEYS
    keyset_descending = True
    queryset = Suggestion.objects.none()
    pagination_class = KeysetPagination  # the queue actions declare their own (page numbers)

    def get_queryset(self):
        return Suggestion.objects.visible_to(self.request.user).submitted().with_list_joins().with_units()

    def get_serializer_class(self):
        return s.SuggestionDetailSerializer if self.action == "retrieve" else s.SuggestionListSerializer

    def retrieve(self, request, pk=None):
        return _detail(request, pk)

    def _target(self):
        # Scoped like the list: another role's suggestion is a 404.
        return self.get_object()

    @extend_schema(request=s.SuggestionSubmitSerializer, responses={201: s.SuggestionDetailSerializer})
    def create(self, request):
        """提出建议 (a deputy), or a paper suggestion entered by staff."""
        data = _input(s.SuggestionSubmitSerializer, request)
        lead = data.pop("lead_deputy", None)
        if not roles.is_staff_member(request.user):
            lead = roles.deputy_of(request.user)
        if lead is None:
            raise PermissionDenied("请指定领衔代表。" if roles.is_staff_member(request.user) else "只有人大代表可以提出建议。")
        obj = services.submit_suggestion(actor=request.user, lead_deputy=lead, co_signers=data.pop("co_signers", []), **data)
        response = _detail(request, obj.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.SuggestionCosignResponseSerializer, **ACTION)
    @action(detail=True, methods=["post"], url_path="respond-cosign")
    def respond_cosign(self, request, pk=None):
        services.respond_to_cosign(suggestion=self._target(), actor=request.user, **_input(s.SuggestionCosignResponseSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionReasonSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        services.withdraw_suggestion(suggestion=self._target(), actor=request.user, **_input(s.SuggestionReasonSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionNoteSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        services.register_suggestion(suggestion=self._target(), actor=request.user, **_input(s.SuggestionNoteSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionRejectSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        services.reject_suggestion(suggestion=self._target(), actor=request.user, **_input(s.SuggestionRejectSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionAssignSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = _input(s.SuggestionAssignSerializer, request)
        split = [(row["unit"], row.get("part", "")) for row in data.pop("split_units", [])]
        services.assign_suggestion(
            suggestion=self._target(), actor=request.user, co_units=data.pop("co_units", []), split_units=split, **data
        )
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionKeySupervisionInputSerializer, **ACTION)
    @action(detail=True, methods=["post"], url_path="key-supervision")
    def key_supervision(self, request, pk=None):
        services.mark_key_supervision(suggestion=self._target(), actor=request.user, **_input(s.SuggestionKeySupervisionInputSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionExtendSerializer, **ACTION)
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    def extend_deadline(self, request, pk=None):
        services.extend_deadline(suggestion=self._target(), actor=request.user, **_input(s.SuggestionExtendSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionNoteSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.close_suggestion(suggestion=self._target(), actor=request.user, **_input(s.SuggestionNoteSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionDisclosureSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def disclosure(self, request, pk=None):
        services.decide_disclosure(suggestion=self._target(), actor=request.user, **_input(s.SuggestionDisclosureSerializer, request))
        return _detail(request, pk)

    @extend_schema(request=s.SuggestionSecondRatingInputSerializer, **ACTION)
    @action(detail=True, methods=["post"], url_path="rate-second-reply")
    def rate_second_reply(self, request, pk=None):
        services.rate_second_reply(suggestion=self._target(), actor=request.user, **_input(s.SuggestionSecondRatingInputSerializer, request))
        return _detail(request, pk)

    @extend_schema(responses=s.SuggestionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # one suggestion's timeline, whole
    def events(self, request, pk=None):
        """The timeline the user may see."""
        events = selectors.timeline(user=request.user, suggestion=self._target())
        return Response(s.SuggestionEventSerializer(events, many=True).data)

    def _list(self, queryset):
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(s.SuggestionQueueItemSerializer(page, many=True, context={"request": self.request}).data)

    @extend_schema(responses=s.SuggestionQueueItemSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=StandardPagination)
    def overdue(self, request):
        return self._list(selectors.overdue_list(user=request.user))

    @extend_schema(responses=s.SuggestionQueueItemSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=StandardPagination, url_path="key-supervision-list")
    def key_supervision_list(self, request):
        return self._list(selectors.key_supervision_list(user=request.user))

    @extend_schema(responses=s.SuggestionQueueItemSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=StandardPagination, url_path="review-queue", permission_classes=[IsStaffMember])
    def review_queue(self, request):
        return self._list(selectors.review_queue(user=request.user).with_units())

    @extend_schema(responses=s.SuggestionQueueItemSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=StandardPagination, url_path="disclosure-queue", permission_classes=[IsStaffMember])
    def disclosure_queue(self, request):
        return self._list(selectors.disclosure_queue(user=request.user).with_units())

    @extend_schema(responses=s.SuggestionDashboardSerializer, filters=False)
    @action(detail=False, methods=["get"], permission_classes=[IsStaffMember], filter_backends=[])
    def dashboard(self, request):
        year = request.query_params.get("year")
        return Response(selectors.dashboard_figures(user=request.user, year=int(year) if year and year.isdigit() else None))

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export", permission_classes=[IsStaffMember])
    def export(self, request):
        """The filtered list (same filters as the list) as Excel: the staff page's export."""
        qs = self.filter_queryset(self.get_queryset())
        response = HttpResponse(excel.export_suggestions(qs), content_type=excel.XLSX)
        response["Content-Disposition"] = f'attachment; filename="suggestions-{timezone.localdate():%Y%m%d}.xlsx"'
        return response

    @extend_schema(request=s.SuggestionImportInputSerializer, responses={201: s.SuggestionImportResultSerializer}, filters=False)
    @action(
        detail=False, methods=["post"], url_path="import", permission_classes=[IsStaffMember],
        parser_classes=[MultiPartParser, FormParser], filter_backends=[],
    )  # fmt: skip
    def import_paper(self, request):
        """Paper suggestions of a plenary from Excel: all rows or none."""
        data = _input(s.SuggestionImportInputSerializer, request)
        created = excel.import_paper_suggestions(file=data["file"], session=data["session"], actor=request.user)
        return Response({"created": len(created), "ids": [x.pk for x in created]}, status=status.HTTP_201_CREATED)


class DraftViewSet(viewsets.GenericViewSet):
    """草稿: the deputy's own drafts, with attachments; nobody else sees them
    (another user's draft is a 404). Submitting one makes it a suggestion
    (待审查) and invites the co-signers it names."""

    serializer_class = s.SuggestionDraftSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Suggestion.objects.none()

    def get_queryset(self):
        return selectors.deputy_drafts(user=self.request.user)

    def _out(self, pk, **kwargs):
        return Response(s.SuggestionDraftSerializer(selectors.draft_detail(user=self.request.user, pk=pk)).data, **kwargs)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.SuggestionDraftSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.SuggestionDraftSerializer(self.get_object()).data)

    @extend_schema(request={"application/json": s.SuggestionDraftInputSerializer, "multipart/form-data": s.SuggestionDraftInputSerializer}, responses={201: s.SuggestionDraftSerializer})
    def create(self, request):
        """保存草稿."""
        deputy = roles.deputy_of(request.user)
        if deputy is None:
            raise PermissionDenied("只有人大代表可以保存建议草稿。")
        data = _input(s.SuggestionDraftInputSerializer, request)
        data.pop("remove_attachments", None)
        draft = services.save_draft(lead_deputy=deputy, actor=request.user, **data)
        return self._out(draft.pk, status=status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": s.SuggestionDraftInputSerializer, "multipart/form-data": s.SuggestionDraftInputSerializer}, responses={200: s.SuggestionDraftSerializer})
    def partial_update(self, request, pk=None):
        """修改草稿: the fields sent change, the others stay; ``co_signers``
        replaces the list; ``attachments`` are added, ``remove_attachments`` removed."""
        draft = self.get_object()
        ser = s.SuggestionDraftInputSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        services.update_draft(suggestion=draft, actor=request.user, **ser.validated_data)
        return self._out(draft.pk)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """删除草稿 (with its attachments)."""
        services.delete_draft(suggestion=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, **ACTION)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提出: the draft must be complete; errors name the fields."""
        draft = self.get_object()
        services.submit_draft(suggestion=draft, actor=request.user)
        return _detail(request, draft.pk)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The unit inbox (a unit member's active assignments; staff see all)."""

    serializer_class = s.SuggestionInboxAssignmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilter
    queryset = Assignment.objects.none()

    def get_queryset(self):
        user = self.request.user
        if roles.is_staff_member(user):
            return Assignment.objects.filter(
                is_active=True, suggestion__in=Suggestion.objects.visible_to(user).values("pk")
            ).select_related(
                "suggestion__category", "suggestion__lead_deputy", "suggestion__key_supervision", "unit"
            ).order_by("reply_due_at", "pk")
        return selectors.unit_inbox(user=user)

    def _done(self, request, assignment):
        return _detail(request, assignment.suggestion_id)

    @extend_schema(request=None, **ACTION)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        a = self.get_object()
        services.acknowledge_assignment(assignment=a, actor=request.user)
        return self._done(request, a)

    @extend_schema(request=s.SuggestionReassignmentInputSerializer, responses={201: s.SuggestionReassignmentRequestSerializer})
    @action(detail=True, methods=["post"], url_path="request-reassignment")
    def request_reassignment(self, request, pk=None):
        req = services.request_reassignment(assignment=self.get_object(), actor=request.user, **_input(s.SuggestionReassignmentInputSerializer, request))
        return Response(s.SuggestionReassignmentRequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SuggestionCoOpinionInputSerializer, **ACTION)
    @action(detail=True, methods=["post"], url_path="co-opinion")
    def co_opinion(self, request, pk=None):
        a = self.get_object()
        services.submit_co_opinion(assignment=a, actor=request.user, **_input(s.SuggestionCoOpinionInputSerializer, request))
        return self._done(request, a)

    @extend_schema(request=s.SuggestionContactInputSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        a = self.get_object()
        services.log_contact(assignment=a, actor=request.user, **_input(s.SuggestionContactInputSerializer, request))
        return self._done(request, a)

    @extend_schema(request={"application/json": s.SuggestionReplyInputSerializer, "multipart/form-data": s.SuggestionReplyInputSerializer}, **ACTION)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reply(self, request, pk=None):
        a = self.get_object()
        services.reply_to_suggestion(assignment=a, actor=request.user, **_input(s.SuggestionReplyInputSerializer, request))
        return self._done(request, a)


class ReplyViewSet(viewsets.GenericViewSet):
    """Rating a reply (the lead deputy)."""

    serializer_class = s.SuggestionReplySerializer
    queryset = Reply.objects.none()

    def get_queryset(self):
        return Reply.objects.filter(suggestion__in=Suggestion.objects.visible_to(self.request.user)).select_related("suggestion", "assignment")

    @extend_schema(request=s.SuggestionRateInputSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        reply = self.get_object()
        services.rate_reply(reply=reply, actor=request.user, **_input(s.SuggestionRateInputSerializer, request))
        return _detail(request, reply.suggestion_id)


class ReassignmentRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pending re-assignment requests (staff) and their decision."""

    serializer_class = s.SuggestionReassignmentRequestSerializer
    permission_classes = [IsStaffMember]
    queryset = ReassignmentRequest.objects.none()

    def get_queryset(self):
        return selectors.reassignment_requests(user=self.request.user)

    @extend_schema(request=s.SuggestionReassignmentDecisionSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        req = self.get_object()
        services.decide_reassignment(request=req, actor=request.user, **_input(s.SuggestionReassignmentDecisionSerializer, request))
        return _detail(request, req.assignment.suggestion_id)


class FollowUpRoundViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """回头看 rounds (staff)."""

    serializer_class = s.SuggestionFollowUpRoundSerializer
    permission_classes = [IsStaffMember]
    queryset = FollowUpRound.objects.order_by("-opened_at")

    def get_queryset(self):
        return selectors.followup_rounds_of(self.request.user).order_by("-opened_at")

    @extend_schema(request=s.SuggestionFollowUpRoundInputSerializer, responses={201: s.SuggestionFollowUpRoundSerializer})
    def create(self, request):
        rnd = services.open_followup_round(actor=request.user, **_input(s.SuggestionFollowUpRoundInputSerializer, request))
        return Response(s.SuggestionFollowUpRoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class FollowUpItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Second replies owed (unit) or all items (staff)."""

    serializer_class = s.SuggestionFollowUpItemSerializer
    queryset = FollowUpItem.objects.none()

    def get_queryset(self):
        return selectors.followup_items(user=self.request.user)

    @extend_schema(request=s.SuggestionSecondReplyInputSerializer, responses={200: s.SuggestionFollowUpItemSerializer})
    @action(detail=True, methods=["post"], url_path="second-reply")
    def second_reply(self, request, pk=None):
        item = services.submit_second_reply(item=self.get_object(), actor=request.user, **_input(s.SuggestionSecondReplyInputSerializer, request))
        return Response(s.SuggestionFollowUpItemSerializer(item).data)


class PublicSuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published suggestions and replies, for everyone."""

    permission_classes = [permissions.AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicSuggestionFilter
    pagination_class = KeysetPagination  # newest published first, no count
    keyset_keys = selectors.PUBLIC_KEYS
    keyset_descending = True
    queryset = Suggestion.objects.none()

    def get_queryset(self):
        if self.action == "retrieve":
            return Suggestion.objects.published().select_related("category", "lead_deputy", "session__term__congress")
        return selectors.public_published_list()

    def get_serializer_class(self):
        return s.SuggestionPublicSuggestionDetailSerializer if self.action == "retrieve" else s.SuggestionPublicSuggestionSerializer


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.SuggestionCategorySerializer
    queryset = SuggestionCategory.objects.filter(is_active=True)
    pagination_class = None


class ResultCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.SuggestionResultCategorySerializer
    queryset = ResultCategory.objects.filter(is_active=True)
    pagination_class = None


router = DefaultRouter()
router.register("drafts", DraftViewSet, basename="suggestion-draft")
router.register("assignments", AssignmentViewSet, basename="suggestion-assignment")
router.register("replies", ReplyViewSet, basename="suggestion-reply")
router.register("reassignment-requests", ReassignmentRequestViewSet, basename="suggestion-reassignment")
router.register("followup-rounds", FollowUpRoundViewSet, basename="suggestion-followup-round")
router.register("followup-items", FollowUpItemViewSet, basename="suggestion-followup-item")
router.register("public", PublicSuggestionViewSet, basename="suggestion-public")
router.register("categories", CategoryViewSet, basename="suggestion-category")
router.register("result-categories", ResultCategoryViewSet, basename="suggestion-result-category")
router.register("", SuggestionViewSet, basename="suggestion")
urlpatterns = router.urls

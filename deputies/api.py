"""REST API of the deputies app, mounted at /api/deputies/.

- ``directory/``: the public deputy directory (no login, nothing personal);
- ``areas/``, ``delegations/``, ``groups/`` (read): public reference lists for its filters;
- ``me/``: a deputy's own record, personal data masked;
- ``deputies/``, ``mandates/``, ``contacts/`` and writes to ``groups/`` and ``units/``: committee staff.
Writes go through deputies.services."""
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, permissions, viewsets
from rest_framework.routers import DefaultRouter

from congress_portal.accounts import roles
from congress_portal.accounts.roles import deputy_of
from congress_portal.api import KeysetPagination

from . import selectors, services
from .filters import (
    AreaFilter,
    DelegationFilter,
    DeputyGroupFilter,
    DirectoryFilter,
    HandlingUnitFilter,
    MandateFilter,
    StaffDeputyFilter,
)
from .models import Delegation, Deputy, DeputyGroup, Mandate, UnitContact
from .permissions import can_manage_deputies
from .scoping import units_visible_to
from .serializers import (
    AreaSerializer,
    DelegationSerializer,
    DeputyGroupSerializer,
    DirectoryDeputySerializer,
    HandlingUnitSerializer,
    MandateSerializer,
    OwnDeputySerializer,
    StaffDeputySerializer,
    StaffHandlingUnitSerializer,
    UnitContactSerializer,
)


class IsCommitteeStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return can_manage_deputies(request.user)


class ReadAnyoneWriteStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_deputies(request.user)


class ReadSignedInWriteStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return can_manage_deputies(request.user)


class ServiceWritesMixin:
    """create/update/destroy through a service; ``save_service`` takes
    ``actor`` and the instance under ``instance_kwarg``."""

    save_service = None
    instance_kwarg = None

    def perform_create(self, serializer):
        serializer.instance = type(self).save_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).save_service(
            actor=self.request.user, **{self.instance_kwarg: serializer.instance}, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_record(actor=self.request.user, obj=instance)


class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Serving deputies of every level: name, gender, levels, areas,
    delegations and groups. Filters: level, area (division code, with the
    areas below it), delegation, group, search (name). In entry order, paged
    by keyset (``next``/``previous`` links, no count of the whole set)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = DirectoryDeputySerializer
    filterset_class = DirectoryFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    keyset_keys = ("id",)
    queryset = Deputy.objects.none()

    def get_queryset(self):
        return selectors.deputy_directory()


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    ordering_fields = ("code", "name")
    queryset = selectors.areas_list()


class DelegationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = DelegationSerializer
    filterset_class = DelegationFilter
    ordering_fields = ("name",)
    queryset = Delegation.objects.select_related("term__congress").order_by("term_id", "name")


class OwnRecordView(generics.RetrieveAPIView):
    """The signed-in deputy's own record (ID number and phone masked)."""

    serializer_class = OwnDeputySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        deputy = deputy_of(self.request.user)
        if deputy is None:
            raise Http404
        return (
            Deputy.objects.prefetch_related(
                Prefetch("mandates", queryset=Mandate.objects.select_related("congress__area", "term", "delegation", "electoral_unit")),
                "groups",
            ).get(pk=deputy.pk)
        )


class StaffDeputyViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    """Deputies with personal data and mandates: committee staff only."""

    permission_classes = [IsCommitteeStaff]
    serializer_class = StaffDeputySerializer
    filterset_class = StaffDeputyFilter
    ordering_fields = ("name", "id")  # never the ID number or phone
    queryset = Deputy.objects.none()
    save_service = staticmethod(services.save_deputy)
    instance_kwarg = "deputy"

    def get_queryset(self):
        return selectors.deputies_for(self.request.user)


class MandateViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    permission_classes = [IsCommitteeStaff]
    serializer_class = MandateSerializer
    filterset_class = MandateFilter
    ordering_fields = ("start_date", "level", "id")
    queryset = selectors.mandates_list()
    save_service = staticmethod(services.save_mandate)

    def get_queryset(self):  # the mandates of the staff user's congress and those below it
        return roles.scope_to_congress(super().get_queryset(), self.request.user, supervise=True)
    instance_kwarg = "mandate"


class DeputyGroupViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    """Deputy groups: anyone reads (names and members are public), staff write."""

    permission_classes = [ReadAnyoneWriteStaff]
    serializer_class = DeputyGroupSerializer
    filterset_class = DeputyGroupFilter
    ordering_fields = ("name",)
    queryset = selectors.groups_list()
    save_service = staticmethod(services.save_deputy_group)
    instance_kwarg = "group"


class HandlingUnitViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    """Handling units: anyone signed in reads them; their notice contacts and
    the writes are for committee staff."""

    permission_classes = [ReadSignedInWriteStaff]
    filterset_class = HandlingUnitFilter
    ordering_fields = ("code", "name")
    queryset = selectors.handling_units_list()
    save_service = staticmethod(services.save_handling_unit)
    instance_kwarg = "unit"

    def get_queryset(self):  # the units that may answer the user's congresses' items
        return super().get_queryset().filter(pk__in=units_visible_to(self.request.user).values("pk"))

    def get_serializer_class(self):
        if can_manage_deputies(getattr(self.request, "user", None)):
            return StaffHandlingUnitSerializer
        return HandlingUnitSerializer


class UnitContactViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    permission_classes = [IsCommitteeStaff]
    serializer_class = UnitContactSerializer
    filterset_fields = ("unit", "receives_notices")
    ordering_fields = ("name", "id")
    queryset = UnitContact.objects.select_related("unit").order_by("unit_id", "pk")
    save_service = staticmethod(services.save_unit_contact)
    instance_kwarg = "contact"

    def get_queryset(self):
        return super().get_queryset().filter(unit__in=units_visible_to(self.request.user).values("pk"))


router = DefaultRouter()
router.register("directory", DirectoryViewSet, basename="directory")
router.register("areas", AreaViewSet, basename="area")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("deputies", StaffDeputyViewSet, basename="deputy")
router.register("mandates", MandateViewSet, basename="mandate")
router.register("groups", DeputyGroupViewSet, basename="deputy-group")
router.register("units", HandlingUnitViewSet, basename="handling-unit")
router.register("contacts", UnitContactViewSet, basename="unit-contact")

urlpatterns = [
    path("me/", OwnRecordView.as_view(), name="deputy-me"),
    *router.urls,
]

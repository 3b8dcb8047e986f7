"""What every app's API shares: pagination and the one exception handler that
maps service errors (Django's ValidationError / PermissionDenied) to responses."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .keyset import keyset_page
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(BasePagination):
    """Pages of a large list by keyset (congress_portal/keyset.py): ``next``
    and ``previous`` links carry ``after``/``before`` cursors, and nothing
    counts the whole set. The view names the keys of the index that serves
    its order (``keyset_keys``, ``keyset_descending``); the order is theirs."""

    page_size = 20
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            size = min(int(request.query_params.get("page_size", self.page_size)), self.max_page_size)
        except ValueError:
            size = self.page_size
        self.page = keyset_page(
            queryset, keys=view.keyset_keys, descending=getattr(view, "keyset_descending", False),
            after=request.query_params.get("after", ""), before=request.query_params.get("before", ""),
            size=max(size, 1),
        )  # fmt: skip
        return list(self.page.object_list)

    def _link(self, name, cursor):
        if not cursor:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "after" if name == "before" else "before")
        return replace_query_param(url, name, cursor)

    def get_paginated_response(self, data):
        return Response({
            "next": self._link("after", self.page.next_cursor),
            "previous": self._link("before", self.page.previous_cursor),
            "results": data,
        })  # fmt: skip

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {"type": "object", "required": ["results"], "properties": {"next": link, "previous": link, "results": schema}}

    def get_schema_operation_parameters(self, view):
        text = {"required": False, "in": "query", "schema": {"type": "string"}}
        return [
            {"name": "after", "description": "the next page's cursor", **text},
            {"name": "before", "description": "the previous page's cursor", **text},
            {"name": "page_size", "required": False, "in": "query", "schema": {"type": "integer"}},
        ]


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"


def _validation_detail(exc):
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {"detail": exc.messages if len(exc.messages) != 1 else exc.messages[0]}


def exception_handler(exc, context):
    # Services raise Django's errors; map them here, once. A service signals a
    # concurrent change by raising a ValidationError with code "conflict".
    if isinstance(exc, DjangoValidationError):
        if getattr(exc, "code", None) == "conflict":
            return Response(_validation_detail(exc), status=status.HTTP_409_CONFLICT)
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        # Deleting a row others still point at (a plan with sessions): say so, not 500.
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.args[1]})
        detail = _("还有%(kinds)s引用该项，不能删除。") % {"kinds": "、".join(kinds)}
        return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)

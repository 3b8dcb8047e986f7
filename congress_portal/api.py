"""What every app's API shares: pagination and the one exception handler that
maps service errors (Django's ValidationError / PermissionDenied) to responses."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


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

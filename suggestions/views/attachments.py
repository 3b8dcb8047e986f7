"""Attachments of suggestions and replies, for whoever may see the suggestion
in the portal (never the public: published pages carry no attachments)."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..models import ReplyAttachment, Suggestion, SuggestionAttachment


def _serve(request, file_field, name):
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=name)


def attachment(request, pk):
    """A suggestion's attachment."""
    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.visible_to(request.user)
    item = get_object_or_404(SuggestionAttachment.objects.filter(suggestion__in=visible), pk=pk)
    return _serve(request, item.file, item.name)


def reply_attachment(request, pk):
    """A reply's attachment."""
    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.visible_to(request.user)
    item = get_object_or_404(ReplyAttachment.objects.filter(reply__suggestion__in=visible), pk=pk)
    return _serve(request, item.file, item.name)

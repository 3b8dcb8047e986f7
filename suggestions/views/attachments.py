"""Attachments of suggestions and replies, for whoever may see the suggestion
in the portal, and for the staff of the congresses above it (never the public: published pages carry no attachments), sent
as downloads that a browser never runs (congress_portal.uploads.file_response)."""
from django.http import Http404
from django.shortcuts import get_object_or_404

from congress_portal.uploads import file_response

from ..models import ReplyAttachment, Suggestion, SuggestionAttachment


def attachment(request, pk):
    """A suggestion's attachment."""
    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.supervised_by(request.user)  # a read: the staff above too
    item = get_object_or_404(SuggestionAttachment.objects.filter(suggestion__in=visible), pk=pk)
    return file_response(item.file, name=item.name)


def reply_attachment(request, pk):
    """A reply's attachment."""
    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.supervised_by(request.user)  # a read: the staff above too
    item = get_object_or_404(ReplyAttachment.objects.filter(reply__suggestion__in=visible), pk=pk)
    return file_response(item.file, name=item.name)

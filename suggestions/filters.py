"""django-filter FilterSets for the suggestion lists (API, pages, export).

Personal fields of deputies (ID number, phone) are never filterable here."""
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Lower, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.logging import mask_text
from congress_portal.search import NgramMatch, estimated_matches, tsquery
from deputies.models import Deputy, HandlingUnit, Level, Session

from .models import (
    AWAITING_REPLY,
    Assignment,
    AssignmentState,
    Disclosure,
    HandlingMode,
    Reply,
    ResultCategory,
    Status,
    Suggestion,
    SuggestionCategory,
)


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filtered by a method (the schema says: an id)."""


# At most this many deputies (by name) and reply letters found by a keyword
# join the suggestions' own n-gram match; beyond that the keyword is too
# common to list by them and the title and text matches stand alone.
MATCH_LIMIT = 2000
COMMON_IN_REPLIES = 20 * MATCH_LIMIT


def _indexed():
    return connection.vendor == "postgresql"


def _deputies_named(value):
    """Ids of deputies whose name contains ``value`` (the n-gram index on deputies)."""
    return list(
        Deputy.objects.filter(NgramMatch(tsquery(value)), name__icontains=value).values_list("pk", flat=True)[:MATCH_LIMIT]
    )


def _contains(field, value):
    """``field`` contains ``value`` (any case). On PostgreSQL as strpos(), not
    ILIKE: the planner guesses '%word%' on a million titles at a handful of
    rows, multiplies it with the n-gram match and joins and sorts every match
    of a common word (公路: 2.5 s); strpos gets its usual third, and the page
    then walks its index and stops at its last row (the n-gram statistics
    still send a rare word to the index)."""
    if not _indexed():
        return Q(**{f"{field}__icontains": value})
    return Q(GreaterThan(StrIndex(Lower(field), Value(value.lower())), 0))


def _text_match(value, text):
    """``text`` (a Q of ``_contains`` on the suggestion's own columns), served
    by the suggestions' n-gram column on PostgreSQL: the index finds the rows
    that have every character pair of ``value``, ``text`` rechecks them."""
    if not _indexed():
        return text
    return Q(NgramMatch(tsquery(value))) & text


def _keyword(queryset, name, value):
    """Title, content, lead deputy's name, or the number (第12号)."""
    value = (value or "").strip()
    if not value:
        return queryset
    q = _text_match(value, _contains("title", value) | _contains("content", value))
    if _indexed():
        q |= Q(lead_deputy_id__in=_deputies_named(value))
    else:
        q |= Q(lead_deputy__name__icontains=value)
    digits = value.strip("第号")
    if digits.isdigit() and len(digits) < 10:
        q |= Q(number=int(digits))
    return queryset.filter(q)


class SuggestionFilter(django_filters.FilterSet):
    # distinct=False: status is a plain column, and DISTINCT would sort the whole filtered set.
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices, distinct=False)
    unit = IdChoiceFilter(label=_("承办单位"), queryset=HandlingUnit.objects.all(), method="filter_unit")
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=SuggestionCategory.objects.all())
    result_category = IdChoiceFilter(
        label=_("办理结果"), queryset=ResultCategory.objects.all(), method="filter_result_category"
    )
    key_supervision = django_filters.BooleanFilter(label=_("重点督办"), method="filter_key_supervision")
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    year = django_filters.NumberFilter(label=_("年度"))
    session = django_filters.ModelChoiceFilter(label=_("会议"), queryset=Session.objects.all())
    deputy_level = django_filters.ChoiceFilter(label=_("代表层级"), choices=Level.choices)
    during_session = django_filters.BooleanFilter(label=_("大会期间提出"))
    handling_mode = django_filters.ChoiceFilter(label=_("办理方式"), choices=HandlingMode.choices)
    disclosure = django_filters.ChoiceFilter(label=_("公开方式"), choices=Disclosure.choices)
    keyword = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("submitted_at", "submitted_at"), ("reply_due_at", "reply_due_at"), ("number", "number"), ("updated_at", "updated_at")),
    )

    class Meta:
        model = Suggestion
        fields = []

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit=value, is_active=True)))

    def filter_result_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(Reply.objects.filter(suggestion=OuterRef("pk"), is_current=True, result_category=value)))

    def filter_key_supervision(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(key_supervision__isnull=not value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=AWAITING_REPLY, reply_due_at__lt=timezone.now())
        return queryset.filter(overdue if value else ~overdue)

    def filter_keyword(self, queryset, name, value):
        return _keyword(queryset, name, value)


def public_keyword(queryset, value):
    """The public searches what is published, no more: the title, the lead
    deputy's name and the summary of every published item, and for fully
    published items the content and the current replies too (a summary-only
    item is not found by its full text). A match is the keyword as typed
    (``icontains``); on PostgreSQL the n-gram indexes of suggestions, deputies
    and reply letters find the candidates (congress_portal/search.py). A
    keyword that is an ID or mobile number finds nothing: published text shows
    those masked, and a hit would tell that the number is in it."""
    value = (value or "").strip()
    if not value:
        return queryset
    if mask_text(value) != value:
        return queryset.none()
    full = Q(disclosure=Disclosure.FULL)
    own_text = _text_match(value, _contains("title", value) | _contains("public_summary", value) | (full & _contains("content", value)))
    if not _indexed():
        in_reply = Exists(Reply.objects.filter(suggestion=OuterRef("pk"), is_current=True, letter__icontains=value))
        return queryset.filter(own_text | Q(lead_deputy__name__icontains=value) | (full & in_reply))
    # Plain id lists, so that the planner may join the three index scans (BitmapOr).
    replies = Reply.objects.filter(_contains("letter", value), is_current=True)
    if estimated_matches("suggestions_reply", value) <= COMMON_IN_REPLIES:
        # A rare word: its few letters from the n-gram index. A common one (in
        # more letters than the planner, multiplying its grams' shares,
        # believes) is found by walking the newest letters and stops at the limit.
        replies = replies.filter(NgramMatch(tsquery(value)))
    replied = list(replies.order_by("-suggestion_id").values_list("suggestion_id", flat=True)[:MATCH_LIMIT])
    return queryset.filter(own_text | Q(lead_deputy_id__in=_deputies_named(value)) | (full & Q(pk__in=replied)))


class PublicSuggestionFilter(django_filters.FilterSet):
    """What the public may filter the published list by (the public page and
    the public API use the same)."""

    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=SuggestionCategory.objects.all())
    year = django_filters.NumberFilter(label=_("年度"))
    session = django_filters.ModelChoiceFilter(label=_("会议"), queryset=Session.objects.all())
    deputy_level = django_filters.ChoiceFilter(label=_("代表层级"), choices=Level.choices)
    unit = IdChoiceFilter(label=_("承办单位"), queryset=HandlingUnit.objects.all(), method="filter_unit")
    result_category = IdChoiceFilter(
        label=_("办理结果"), queryset=ResultCategory.objects.all(), method="filter_result_category"
    )
    keyword = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")

    class Meta:
        model = Suggestion
        fields = []

    filter_unit = SuggestionFilter.filter_unit
    filter_result_category = SuggestionFilter.filter_result_category

    def filter_keyword(self, queryset, name, value):
        return public_keyword(queryset, value)


class AssignmentFilter(django_filters.FilterSet):
    """The unit inbox filters."""

    state = django_filters.MultipleChoiceFilter(label=_("办理状态"), choices=AssignmentState.choices, distinct=False)
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    year = django_filters.NumberFilter(label=_("年度"), field_name="suggestion__year")
    keyword = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")

    class Meta:
        model = Assignment
        fields = ["role"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        ids = Assignment.objects.overdue().values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_keyword(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(suggestion__title__icontains=value) | Q(suggestion__lead_deputy__name__icontains=value))

"""Searchable pickers for lists too long to show whole (deputies, units).

A field keeps its ``ModelChoiceField`` and its scoped queryset, so what is
posted is checked the same way with or without JavaScript; only the widget
changes: ``SearchSelect`` / ``SearchSelectMultiple`` render the options that
are selected, not every row, and carry ``data-search-url``, the JSON endpoint
that static/js/pickers.js (Tom Select, vendored from npm) asks as the person
types. Each endpoint answers ``{"results": [{"id", "text"}]}`` with at most
``LIMIT`` rows found by an index, from the same scoped queryset as the field."""
from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from congress_portal import search

LIMIT = 20


class _SearchMixin:
    """Draw only the chosen options of a ModelChoiceField (and the empty one)."""

    def __init__(self, attrs=None, *, search_url="", placeholder=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.placeholder = placeholder or _("输入名称搜索")

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-search-url": str(self.search_url),
            "data-placeholder": str(self.placeholder),
            "data-no-results": str(_("没有找到，请换个词再试。")),
        }
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        field = getattr(self.choices, "field", None)
        if field is None:
            return super().optgroups(name, value, attrs)
        key = field.to_field_name or "pk"
        wanted = [v for v in value if v not in ("", None) and (key != "pk" or str(v).isdigit())]
        options = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            options.append(("", field.empty_label))
        if wanted:
            chosen = field.queryset.filter(**{f"{key}__in": wanted})
            options += [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in chosen]
        all_choices = self.choices
        self.choices = options
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = all_choices


class SearchSelect(_SearchMixin, forms.Select):
    pass


class SearchSelectMultiple(_SearchMixin, forms.SelectMultiple):
    pass


def use_search(field, url, *, placeholder=None):
    """Give ``field`` (a ModelChoiceField or ModelMultipleChoiceField) a
    searchable widget asking ``url``."""
    cls = SearchSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else SearchSelect
    old = field.widget
    field.widget = cls(attrs=dict(old.attrs), search_url=url, placeholder=placeholder)
    field.widget.choices = field.choices
    field.widget.is_required = old.is_required
    return field


def matching(queryset, fields, text, *, order=("name", "pk")):
    """Rows of ``queryset`` where every word of ``text`` appears in one of
    ``fields`` (the n-gram index of congress_portal/search.py), at most LIMIT,
    in ``order``; the first LIMIT rows when nothing is typed."""
    condition = search.keyword_filter(fields, text)
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset.order_by(*order)[:LIMIT]


def containing(rows, text, field="name"):
    """Rows whose ``field`` contains the typed ``text`` (all of them when
    nothing is typed): for the small tables a picker searches without an index
    (congresses, delegations, areas). The caller orders and cuts at LIMIT."""
    text = (text or "").strip()
    return rows.filter(**{f"{field}__contains": text}) if text else rows


def results(rows, label=str, value=lambda row: row.pk):
    """The endpoint's answer; ``value`` is what the field posts (the pk unless
    the field has a ``to_field_name``)."""
    return JsonResponse({"results": [{"id": value(row), "text": label(row)} for row in rows]})

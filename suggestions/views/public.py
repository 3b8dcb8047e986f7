"""The public disclosure pages: published suggestions and their replies, and
the units' league table."""
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from congress_portal import public_cache

from .. import selectors
from ..forms import PublicFilterForm
from ..models import CoSignState, Disclosure
from ..public_pages import PUBLIC_PAGES
from ..templatetags.suggestion_tags import mask_personal
from .common import detail_context, mark_deadlines


def public_params(data):
    """The public form's cleaned data as PublicSuggestionFilter parameters."""
    params = {
        "keyword": data.get("q") or "",
        "year": data.get("year") or "",
        "category": data["category"].pk if data.get("category") else "",
        "unit": data["unit"].pk if data.get("unit") else "",
        "result_category": data["result_category"].pk if data.get("result_category") else "",
    }
    return {k: v for k, v in params.items() if v}


def public_list(request):
    """建议公开: search and browse published suggestions and their replies,
    newest published first, paged by keyset (no page numbers, no count)."""

    def build():
        form = PublicFilterForm(request.GET or None, years=selectors.published_years())
        data = form.cleaned_data if form.is_valid() else {}
        page = selectors.public_published_page(
            params=public_params(data), after=request.GET.get("after", ""), before=request.GET.get("before", "")
        )
        mark_deadlines(page.object_list, open_=lambda s: False)
        context = {"form": form, "page_obj": page, "q": data.get("q", "")}
        return {"content": render_to_string("public/_list_content.html", context, request)}

    return public_cache.page(request, PUBLIC_PAGES, build, "public/list.html")


def public_detail(request, pk):
    def build():
        suggestion = selectors.suggestion_detail(user=AnonymousUser(), pk=pk)
        context = detail_context(suggestion, attachments=False)
        context["cosignatures"] = [c for c in context["cosignatures"] if c.state == CoSignState.CONFIRMED]
        context["events"] = selectors.timeline(user=AnonymousUser(), suggestion=suggestion)
        context["full"] = suggestion.disclosure == Disclosure.FULL
        return {
            "content": render_to_string("public/_detail_content.html", context, request),
            "title": mask_personal(suggestion.title),
        }

    return public_cache.page(request, PUBLIC_PAGES, build, "public/detail.html")


def public_units(request):
    """承办单位排行: reply on time and satisfaction, by unit."""

    def build():
        return {"content": render_to_string("public/_units_content.html", selectors.league_table(), request)}

    return public_cache.page(request, PUBLIC_PAGES, build, "public/units.html")


"""The panels of 并案办理, similar suggestions and recommended units on the
detail pages (staff, deputy, public), drawn here so the views that render
those pages need not change: each panel reads what it shows itself, in a
fixed number of queries."""
from django import template
from django.db.models import Q
from django.urls import reverse

from congress_portal.accounts import roles

from .. import recommend
from ..forms import RatingForm
from ..models import MergedRating, MergeLink, Reply, Status
from ..views.similar import similar_items

register = template.Library()


def _merge_of(suggestion):
    """(the lead item or None, [MergeLink of the items merged into this one])."""
    links = list(
        MergeLink.objects.filter(Q(suggestion=suggestion) | Q(lead=suggestion))
        .select_related("lead", "suggestion__lead_deputy").order_by("pk")
    )  # one query: an item is either merged into a lead or a lead itself
    lead = next((link.lead for link in links if link.suggestion_id == suggestion.pk), None)
    return lead, [link for link in links if link.lead_id == suggestion.pk]


@register.inclusion_tag("suggestions/similar/staff_panel.html", takes_context=True)
def staff_similar_panel(context, suggestion):
    user = context["request"].user
    lead, followers = _merge_of(suggestion)
    data = {"suggestion": suggestion, "lead": lead, "followers": followers, "csrf_token": context.get("csrf_token")}
    if suggestion.status in (Status.SUBMITTED, Status.REGISTERED) and lead is None:
        items = similar_items(user=user, title=suggestion.title, content=suggestion.content, exclude=[suggestion.pk])
        data["similar"] = [
            {"s": s, "match": m, "mergeable": suggestion.status == Status.REGISTERED and s.status == Status.REGISTERED
             and not hasattr(s, "merge_link")}
            for s, m in items
        ]
        data["can_merge"] = any(row["mergeable"] for row in data["similar"])
        leads, co_units = recommend.recommend_units(
            title=suggestion.title, content=suggestion.content, exclude=[suggestion.pk], congress=suggestion.congress)
        data["leads"], data["co_units"] = leads, co_units
    data["lead_unassigned"] = lead is not None and lead.status == Status.REGISTERED
    data["followers_unmergeable"] = suggestion.status != Status.REGISTERED
    return data


@register.inclusion_tag("suggestions/similar/deputy_panel.html", takes_context=True)
def deputy_merge_panel(context, suggestion):
    """A merged item on its deputy's page: the lead item, its current replies,
    and the rating form for each reply not yet rated for this item."""
    lead, followers = _merge_of(suggestion)
    data = {"suggestion": suggestion, "lead": lead, "followers": followers, "csrf_token": context.get("csrf_token")}
    if lead is None:
        return data
    replies = list(Reply.objects.filter(suggestion=lead, is_current=True).select_related("assignment__unit", "result_category"))
    rated = {r.reply_id: r for r in MergedRating.objects.filter(suggestion=suggestion)}
    deputy = roles.deputy_of(context["request"].user)
    may_rate = deputy is not None and suggestion.lead_deputy_id == deputy.pk and suggestion.status == Status.MERGED
    for reply in replies:
        reply.merged_rating = rated.get(reply.pk)
        reply.rating_form = RatingForm(prefix=None) if may_rate and reply.pk not in rated else None
    data.update(replies=replies, rate_url=reverse("suggestions:rate_merged", args=[suggestion.pk]))
    return data


@register.inclusion_tag("suggestions/similar/public_note.html")
def public_merge_note(suggestion):
    lead, followers = _merge_of(suggestion)
    return {
        "suggestion": suggestion,
        "lead": lead,
        "followers": [link.suggestion for link in followers],
    }


@register.inclusion_tag("suggestions/similar/unit_panel.html")
def unit_merge_panel(suggestion):
    """The items merged into one the unit handles: it answers them all in one reply."""
    _lead, followers = _merge_of(suggestion)
    return {"followers": [link.suggestion for link in followers]}

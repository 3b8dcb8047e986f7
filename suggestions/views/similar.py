"""Similar suggestions, 并案办理 and the recommended units, as pages see them.

- ``similar_json``: the items most similar to a text (a deputy writing one, or
  staff reviewing one), scoped to what the user may see: a deputy their own
  items (led or co-signed) and published ones, staff everything;
- ``recommend_json``: the likeliest lead units and co-units with reasons (staff);
- ``staff_merge`` / ``staff_unmerge``: the merge moves from the staff page;
- ``rate_merged``: a merged item's deputy rates the lead item's reply.

The panels on the detail pages are drawn by ``templatetags/similar.py``."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress_portal.accounts import roles

from .. import recommend, services, similarity
from ..forms import RatingForm
from ..models import Reply, Status, Suggestion
from .common import deputy_required, refusal, role_required, staff_required

MAX_QUERY = 500  # characters of the content a query compares
SUMMARY = 120


def _may_ask(user):
    return roles.is_staff_member(user) or roles.is_deputy(user)


def scope_for(user):
    """What ``user`` may be shown as similar: staff their own congress's items
    (what they may merge); a deputy their own items and published ones."""
    if roles.is_staff_member(user):
        return Suggestion.objects.visible_to(user)
    return Suggestion.objects.visible_to(user).submitted() | Suggestion.objects.published()


def similar_items(*, user, title, content="", exclude=(), limit=5):
    """[(Suggestion, Match)], best first; four queries whatever the table's size
    (candidates, the table's size estimate, the rows, the published replies)."""
    matches = similarity.similar(scope_for(user), title=title, content=content[:MAX_QUERY], exclude=exclude, limit=limit)
    if not matches:
        return []
    rows = Suggestion.objects.select_related("merge_link__lead").in_bulk([m.pk for m in matches])
    published = [pk for pk, s in rows.items() if s.is_published]
    replies = {}
    for reply in Reply.objects.filter(suggestion_id__in=published, is_current=True).select_related("result_category").order_by("pk"):
        replies.setdefault(reply.suggestion_id, reply)
    items = []
    for match in matches:
        s = rows[match.pk]
        s.public_reply = replies.get(s.pk)
        items.append((s, match))
    return items


def _url_for(user, s):
    if roles.is_staff_member(user):
        return reverse("suggestions:staff_detail", args=[s.pk])
    deputy = roles.deputy_of(user)
    if deputy is not None and s.lead_deputy_id == deputy.pk:
        return reverse("suggestions:my_detail", args=[s.pk])
    return reverse("suggestions:public_detail", args=[s.pk]) if s.is_published else ""


def _as_json(user, s, match):
    reply = getattr(s, "public_reply", None)
    summary = ""
    if s.is_published:
        summary = s.public_summary or (reply.letter[:SUMMARY] if reply and s.disclosure == "full" else "")
    lead = s.merge_link.lead if hasattr(s, "merge_link") else None
    return {
        "id": s.pk,
        "number": s.number_label,
        "title": s.title,
        "year": s.year,
        "status": s.status,
        "status_label": s.get_status_display(),
        "similarity": match.score,
        "shared": match.shared,
        "url": _url_for(user, s),
        "merged_into": lead.number_label or lead.title if lead else "",
        "reply": {"result": str(reply.result_category), "summary": summary} if s.is_published and reply else None,
    }


@require_GET
@role_required(_may_ask)
def similar_json(request):
    title = (request.GET.get("title") or "")[:200]
    content = (request.GET.get("content") or "")[:MAX_QUERY]
    exclude = [int(v) for v in request.GET.getlist("exclude") if v.isdigit()][:5]
    items = similar_items(user=request.user, title=title, content=content, exclude=exclude) if (title + content).strip() else []
    return JsonResponse({"results": [_as_json(request.user, s, m) for s, m in items]})


@require_GET
@staff_required
def recommend_json(request, pk):
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    leads, co_units = recommend.recommend_units(
        title=suggestion.title, content=suggestion.content, exclude=[pk], congress=suggestion.congress)
    return JsonResponse({"leads": [r.as_dict() for r in leads], "co_units": [r.as_dict() for r in co_units]})


@require_POST
@staff_required
def staff_merge(request, pk):
    """并案办理 with this item as the lead: the ticked similar items join it."""
    lead = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    ids = [int(v) for v in request.POST.getlist("merge") if v.isdigit()]
    others = list(Suggestion.objects.visible_to(request.user).filter(pk__in=ids).exclude(pk=pk))
    try:
        services.merge_suggestions(lead=lead, others=others, actor=request.user, note=request.POST.get("note", "")[:500])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("已并案办理：%(n)s 件并入本件。") % {"n": len(others)})
    return redirect("suggestions:staff_detail", pk=pk)


@require_POST
@staff_required
def staff_unmerge(request, pk):
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    back = request.POST.get("back") == "lead" and hasattr(suggestion, "merge_link")
    lead_pk = suggestion.merge_link.lead_id if back else None
    try:
        services.unmerge_suggestion(suggestion=suggestion, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("已解除并案。"))
    return redirect("suggestions:staff_detail", pk=lead_pk or pk)


@require_POST
@deputy_required
def rate_merged(request, pk):
    """测评 of the lead item's reply by the deputy of a merged item."""
    deputy = roles.deputy_of(request.user)
    suggestion = Suggestion.objects.filter(pk=pk, lead_deputy=deputy, status=Status.MERGED).select_related("merge_link").first()
    if suggestion is None:
        raise Http404
    reply = Reply.objects.filter(pk=request.POST.get("reply"), suggestion_id=suggestion.merge_link.lead_id, is_current=True).first()
    if reply is None:
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择办理过程和办理结果的评价。"))
        return redirect("suggestions:my_detail", pk=pk)
    try:
        services.rate_merged_reply(suggestion=suggestion, reply=reply, actor=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("测评已提交，谢谢。"))
    return redirect("suggestions:my_detail", pk=pk)

"""交办会 pages (staff of the meeting's congress; another congress's meeting
answers 404): the list and a new meeting, the batch (add items through the
searchable pickers, with the recommended units; remove items), the page that
states what holding it does and holds it, and each unit's 交办函."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal import pickers
from congress_portal.accounts import roles
from deputies.models import Congress, HandlingUnit
from deputies.scoping import units_for_congress

from .. import documents, recommend, services
from ..handover import selectors
from ..handover.forms import ItemForm, MeetingForm, RemoveForm
from ..models import DocumentKind
from ..pickers import unit_label
from .common import page_of, refusal, run, staff_required
from .documents import DocNumberForm, _docx


@staff_required
def staff_meetings(request):
    """交办会: the meetings of the staff's congress, and a new one."""
    congress = roles.congress_of(request.user)
    form = MeetingForm(request.POST or None, congress=congress)
    made = {}

    def call(d):
        made["m"] = services.prepare_handover_meeting(
            actor=request.user, congress=d.get("congress") or congress, title=d["title"], planned_on=d["planned_on"]
        )

    if request.method == "POST" and run(form, call):
        messages.success(request, _("已建立交办会“%(title)s”，请加入要交办的建议。") % {"title": made["m"].title})
        return redirect("suggestions:staff_meeting", pk=made["m"].pk)
    return render(request, "suggestions/handover/list.html", {
        "form": form, "page_obj": page_of(request, selectors.meetings(user=request.user)),
    })


def _item_form(request, meeting):
    """The add form; ``?suggestion=`` fills in the recommended lead and co units."""
    if request.method == "POST" and request.POST.get("action") == "add":
        return ItemForm(request.POST, meeting=meeting), None
    form = ItemForm(meeting=meeting)
    chosen = request.GET.get("suggestion", "")
    if not chosen.isdigit():
        return form, None
    suggestion = form.fields["suggestion"].queryset.filter(pk=chosen).first()
    if suggestion is None:
        return form, None
    leads, co_units = recommend.recommend_units(title=suggestion.title, content=suggestion.content, exclude=[suggestion.pk])
    serving = set(units_for_congress(meeting.congress).filter(
        pk__in=[r.unit.pk for r in [*leads, *co_units]]).values_list("pk", flat=True))
    leads = [r for r in leads if r.unit.pk in serving]
    co_units = [r for r in co_units if r.unit.pk in serving and (not leads or r.unit.pk != leads[0].unit.pk)]
    form = ItemForm(meeting=meeting, initial={
        "suggestion": suggestion.pk,
        "lead_unit": leads[0].unit.pk if leads else None,
        "co_units": [r.unit.pk for r in co_units[:1]],
    })
    return form, {"suggestion": suggestion, "leads": leads, "co_units": co_units}


@staff_required
def staff_meeting(request, pk):
    meeting = selectors.meeting(user=request.user, pk=pk)
    form, recommended = _item_form(request, meeting)
    if request.method == "POST":
        if not meeting.is_prepared:
            raise Http404
        action = request.POST.get("action")
        if action == "add":
            def call(d):
                services.add_handover_item(meeting=meeting, actor=request.user, **d)

            if run(form, call):
                s = form.cleaned_data["suggestion"]
                messages.success(request, _("已将%(number)s《%(title)s》加入交办会，主办单位为%(unit)s。") % {
                    "number": s.number_label, "title": s.title, "unit": form.cleaned_data["lead_unit"]})
                return redirect("suggestions:staff_meeting", pk=pk)
        elif action == "remove":
            remove = RemoveForm(request.POST)
            try:
                if not remove.is_valid():
                    raise ValidationError(_("请选择要移出的建议。"))
                services.remove_handover_item(meeting=meeting, actor=request.user, item_id=remove.cleaned_data["item_id"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, _("已将该建议移出交办会。"))
            return redirect("suggestions:staff_meeting", pk=pk)
        else:
            raise Http404
    items = selectors.items(meeting=meeting)
    return render(request, "suggestions/handover/detail.html", {
        "meeting": meeting, "items": items, "form": form, "recommended": recommended,
        "pick_form": ItemForm(meeting=meeting, auto_id="pick_%s") if meeting.is_prepared else None,
        "units": documents.meeting_units(meeting=meeting) if not meeting.is_prepared else [],
        "number_form": DocNumberForm(request.GET or None),
        "events": selectors.timeline(meeting=meeting),
    })


@staff_required
def staff_hold_meeting(request, pk):
    """召开交办会: a page stating what it does; the POST assigns the whole batch."""
    meeting = selectors.meeting(user=request.user, pk=pk)
    if not meeting.is_prepared:
        return redirect("suggestions:staff_meeting", pk=pk)
    items = selectors.items(meeting=meeting)
    if request.method == "POST":
        try:
            done = services.hold_handover_meeting(meeting=meeting, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, _("交办会已召开：%(items)s件建议已交办给%(units)s个承办单位。") % done)
            return redirect("suggestions:staff_meeting", pk=pk)
    return render(request, "suggestions/handover/hold.html", {
        "meeting": meeting, "items": items, "consequence": selectors.hold_consequence(items=items),
    })


@staff_required
def staff_meeting_letter(request, pk, unit_pk):
    """The 交办函 of a held meeting for one unit (.docx)."""
    meeting = selectors.meeting(user=request.user, pk=pk)
    if meeting.is_prepared:
        raise Http404
    unit = get_object_or_404(HandlingUnit, pk=unit_pk)
    form = DocNumberForm(request.GET)
    sequence = form.cleaned_data["number"] if form.is_valid() else None
    held_on = timezone.localtime(meeting.held_at).date()
    number = documents.doc_number_for(
        DocumentKind.ASSIGNMENT_LETTER, sequence=sequence, year=held_on.year, congress=meeting.congress
    )
    content = documents.meeting_assignment_letter(meeting=meeting, unit=unit, doc_number=number)
    return _docx(content, _("交办函-%(unit)s-%(meeting)s.docx") % {"unit": unit.name, "meeting": meeting.title})


# ------------------------------------------------------------ the pickers


@staff_required
def pick_suggestions(request, pk):
    meeting = selectors.meeting(user=request.user, pk=pk)
    rows = pickers.matching(selectors.candidates(meeting=meeting), ["title"], request.GET.get("q"), order=("number", "pk"))
    return pickers.results(rows, label=lambda s: f"{s.number_label} {s.title}")


@staff_required
def pick_units(request, pk):
    meeting = selectors.meeting(user=request.user, pk=pk)
    rows = pickers.matching(units_for_congress(meeting.congress), ["name", "short_name"], request.GET.get("q"), order=("code",))
    return pickers.results(rows, label=unit_label)


@staff_required
def pick_congresses(request):
    """Congresses by name, for staff of the whole province (a small table: no index needed)."""
    queryset = roles.scope_to_congress(Congress.objects.all(), request.user, "pk")
    words = (request.GET.get("q") or "").split()
    for word in words[:8]:
        queryset = queryset.filter(name__icontains=word)
    return pickers.results(queryset.order_by("area__code", "level")[: pickers.LIMIT])

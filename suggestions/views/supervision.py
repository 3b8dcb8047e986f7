"""督办 pages: staff record a supervision group's visit and see the key items
by theme; a unit sees the supervision of its own items."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from .. import services
from ..supervision import selectors
from ..supervision.forms import SupervisionVisitForm
from .common import page_of, run, staff_required, unit_required


@staff_required
def staff_supervision(request):
    """督办记录, and the key items grouped by theme."""
    return render(request, "suggestions/supervision/staff_list.html", {
        "page_obj": page_of(request, selectors.visits(user=request.user)),
        "themes": selectors.key_items_by_theme(user=request.user),
    })


@staff_required
def staff_new_supervision(request):
    form = SupervisionVisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and run(
        form, lambda d: services.record_supervision_visit(actor=request.user, **d)
    ):
        messages.success(request, _("督办记录已登记。"))
        return redirect("suggestions:staff_supervision")
    return render(request, "suggestions/supervision/form.html", {"form": form})


@unit_required
def unit_supervision(request):
    """本单位督办记录."""
    return render(request, "suggestions/supervision/unit_list.html", {
        "page_obj": page_of(request, selectors.visits(user=request.user)),
    })

"""本级票决规则: a congress's staff give their congress its own ballot rules
(or go back to the default) without the admin."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.forms import put_errors_on

from . import permissions, services
from .forms import CongressRulesForm

HUNDRED = Decimal(100)


def _percent(share_or_percent, scale=1):
    """66.67, 50: a Decimal as officers write it (normalize() alone gives 5E+1)."""
    return f"{(share_or_percent * scale).normalize():f}"


@login_required
def staff_rules(request):
    congress = roles.congress_of(request.user)
    if congress is None or not permissions.can_manage(request.user):
        raise Http404  # the whole province's staff edit the default rules on 规则设置
    policy, stages, own = services.congress_rules(congress)
    initial = {
        "quorum_percent": _percent(policy.quorum_share, HUNDRED),
        "majority_percent": _percent(policy.majority_share, HUNDRED),
        "stages": "\n".join(stage.name for stage in stages),
    }
    form = CongressRulesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        default = "use_default" in request.POST
        if default or form.is_valid():
            try:
                if default:
                    services.save_congress_rules(congress=congress, actor=request.user, use_default=True)
                    messages.success(request, _("%(congress)s已改为执行默认票决规则。") % {"congress": congress})
                else:
                    data = form.cleaned_data
                    services.save_congress_rules(
                        congress=congress, actor=request.user, quorum_share=data["quorum_percent"] / HUNDRED,
                        majority_share=data["majority_percent"] / HUNDRED, stages=data["stages"].splitlines(),
                    )
                    messages.success(request, _("已保存%(congress)s的票决规则：到会须超过%(quorum)s%%，赞成票须超过%(majority)s%%，审议环节%(n)s个。") % {
                        "congress": congress, "quorum": _percent(data["quorum_percent"]),
                        "majority": _percent(data["majority_percent"]), "n": len([s for s in data["stages"].splitlines() if s.strip()]),
                    })
                return redirect("voting:staff_rules")
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                put_errors_on(form, exc)
    return render(request, "voting/staff_rules.html", {"form": form, "congress": congress, "own": own})

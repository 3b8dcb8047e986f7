"""规则设置: the registered policy rows (congress_portal.policies), each as
a form with its fields' Chinese labels and help texts and its change history."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import policies
from .accounts import roles
from .forms import PortalModelForm, put_errors_on


def _form(policy, row, data=None, *, disabled=False):
    form_class = modelform_factory(policy.model, form=PortalModelForm, fields=policy.fields)
    form = form_class(data, instance=row, prefix=policy.key.replace(".", "-"))
    for field in form.fields.values():
        field.disabled = disabled
    return form


@login_required
def policy_settings(request):
    """Every staff member reads the rules; committee-wide staff change them."""
    if not roles.is_staff_member(request.user):
        raise Http404
    editable = policies.can_edit_policies(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    sections = []
    for policy in policies.registered():
        row = policy.row()
        form = _form(policy, row, disabled=not editable)
        if request.method == "POST" and request.POST.get("policy") == policy.key:
            form = _form(policy, row, request.POST)
            if form.is_valid():
                values = {name: form.cleaned_data[name] for name in policy.fields}
                changed = [str(form.fields[name].label) for name in form.changed_data]
                try:
                    policies.save_policy(key=policy.key, values=values, actor=request.user)
                except (ValidationError, PermissionDenied) as exc:
                    put_errors_on(form, exc)
                else:
                    if changed:
                        messages.success(request, _("已修改%(policy)s：%(fields)s。") % {"policy": policy.title, "fields": "、".join(changed)})
                    else:
                        messages.info(request, _("%(policy)s没有改动。") % {"policy": policy.title})
                    return redirect(f"{request.path}#{form.prefix}")
        sections.append({"policy": policy, "form": form, "history": policies.history(policy, row)})
    return render(request, "portal/policies.html", {"sections": sections, "editable": editable})

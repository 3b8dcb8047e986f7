"""公文模板: staff of a congress see and edit the title, issuer, document
number prefix and fixed paragraphs of its four Word documents. A staff user
of the whole province picks the congress (``?congress=``); another congress's
templates answer 404 to the staff of a congress."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from congress_portal.forms import PortalForm
from congress_portal.pickers import use_search
from deputies.models import Congress

from .. import doc_templates, services
from ..models import DocumentKind
from .common import run, staff_required


class TemplateForm(PortalForm):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    number_prefix = forms.CharField(
        label=gettext_lazy("发文字号前缀"), max_length=32, required=False,
        help_text=gettext_lazy("如：湘人常代字，文号为“湘人常代字〔2026〕12号”。"),
    )
    issuer = forms.CharField(label=gettext_lazy("发文机关"), max_length=128)
    opening = forms.CharField(
        label=gettext_lazy("正文开头"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("每行一段。"),
    )
    closing = forms.CharField(
        label=gettext_lazy("正文结尾"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一段。"),
    )


class CongressForm(PortalForm):
    congress = forms.ModelChoiceField(label=gettext_lazy("人民代表大会"), queryset=Congress.objects.none(),
                                      empty_label=gettext_lazy("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = Congress.objects.order_by("area__code", "level")
        use_search(self.fields["congress"], reverse("suggestions:pick_handover_congresses"))


def _congress(request):
    """The congress whose templates the page shows: the staff's own, or for
    the whole province the one asked for (the provincial congress by default)."""
    asked = request.GET.get("congress") or request.POST.get("congress") or ""
    if asked.isdigit():
        congress = Congress.objects.filter(pk=int(asked)).select_related("area").first()
        if congress is None or not roles.acts_on(request.user, congress.pk):
            raise Http404
        return congress
    congress = doc_templates.congress_for(request.user)
    if congress is None:
        raise Http404
    return congress


@staff_required
def staff_templates(request):
    congress = _congress(request)
    rows = [doc_templates.template_for(congress=congress, kind=kind) for kind in DocumentKind.values]
    choose = CongressForm(initial={"congress": congress.pk}) if roles.congress_of(request.user) is None else None
    return render(request, "suggestions/doc_templates/list.html", {
        "congress": congress, "rows": rows, "choose": choose,
    })


@staff_required
def staff_template(request, kind):
    if kind not in DocumentKind.values:
        raise Http404
    congress = _congress(request)
    current = doc_templates.template_for(congress=congress, kind=kind)
    form = TemplateForm(request.POST or None, initial={
        "title": current.title, "number_prefix": current.number_prefix, "issuer": current.issuer,
        "opening": current.opening, "closing": current.closing,
    })

    def call(d):
        services.save_document_template(actor=request.user, congress=congress, kind=kind, **d)

    if request.method == "POST" and run(form, call):
        messages.success(request, _("已保存%(congress)s的%(kind)s模板，此后生成的公文使用新的文字。") % {
            "congress": congress, "kind": DocumentKind(kind).label})
        return redirect(reverse("suggestions:staff_templates") + f"?congress={congress.pk}")
    return render(request, "suggestions/doc_templates/form.html", {
        "form": form, "congress": congress, "kind_label": DocumentKind(kind).label,
        "placeholders": doc_templates.PLACEHOLDERS[kind].items(), "saved": current.pk is not None,
    })

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalModelForm
from congress_portal.pickers import use_search
from deputies.congress_picker import seen_congress_field
from deputies.models import Level, Term

from . import models as m


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CoverageFilterForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("届"), queryset=Term.objects.filter(congress__level__in=[Level.NATIONAL, Level.PROVINCIAL, Level.PREFECTURE])
        .select_related("congress")
        .order_by("congress__level", "congress_id", "-number"),
        required=False, empty_label=_("当前在任的各届"),
        help_text=_("县乡两级人数多，请选“当前在任的各届”并按层级查看。"),
    )
    level = forms.ChoiceField(label=_("层级"), choices=[("", _("全部层级"))] + list(Level.choices), required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)

    def year_or_default(self):
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class RecordsFilterForm(YearForm):
    """The staff's records list: a year, and a congress among those they supervise."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"] = seen_congress_field(user)


class MarkForm(forms.Form):
    attended = forms.BooleanField(required=False)
    hours = forms.DecimalField(label=_("认定学时"), max_digits=5, decimal_places=1, required=False, min_value=0)


def plan_label(plan):
    return _("%(title)s（%(term)s，%(year)s年）") % {"title": plan.title, "term": plan.term, "year": plan.year}


def _when():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionEditForm(PortalModelForm):
    """A training session; the plan is picked by searching its title among
    the plans of the staff's own congress (``plans``)."""

    class Meta:
        model = m.TrainingSession
        fields = ["plan", "title", "kind", "form", "field", "starts_at", "ends_at", "venue", "hours", "organiser", "description"]
        widgets = {"starts_at": _when(), "ends_at": _when(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = plan_label
        self.fields["plan"].help_text = _("输入计划名称或年度搜索本级人大的培训计划。")
        use_search(self.fields["plan"], reverse("training:pick_plans"), placeholder=_("输入培训计划名称搜索"))


class PlanEditForm(PortalModelForm):
    """A yearly training plan; the term is picked by searching among the
    terms of the staff's own congress (``terms``)."""

    class Meta:
        model = m.TrainingPlan
        fields = ["term", "year", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"title": _("例如：省十四届人大代表2026年学习培训计划。")}
        error_messages = {NON_FIELD_ERRORS: {"unique_together": _("该届本年度已有同名的培训计划，请换一个计划名称。")}}

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["term"].help_text = _("输入人大名称或届次搜索本级人大的届。")
        use_search(self.fields["term"], reverse("training:pick_terms"), placeholder=_("输入人大名称搜索"))
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

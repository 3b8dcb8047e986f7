"""Forms of the 交办会 pages: they check what was typed and scope the pickers;
the service checks the rules."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm
from congress_portal.pickers import use_search
from deputies.models import Congress, HandlingUnit
from deputies.scoping import units_for_congress

from ..forms import UnitChoiceField, UnitMultipleChoiceField
from ..models import Suggestion
from .selectors import candidates


class SuggestionField(forms.ModelChoiceField):
    def label_from_instance(self, suggestion):
        return f"{suggestion.number_label} {suggestion.title}"


class MeetingForm(PortalForm):
    title = forms.CharField(label=_("交办会名称"), max_length=128)
    planned_on = forms.DateField(label=_("召开日期"), widget=forms.DateInput(attrs={"type": "date"}))
    congress = forms.ModelChoiceField(label=_("人民代表大会"), queryset=Congress.objects.none(), empty_label=_("请选择"))

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        if congress is not None:  # staff of one congress: their own
            del self.fields["congress"]
        else:
            self.fields["congress"].queryset = Congress.objects.order_by("area__code", "level")
            use_search(self.fields["congress"], reverse("suggestions:pick_handover_congresses"), placeholder=_("输入名称搜索"))


class ItemForm(PortalForm):
    suggestion = SuggestionField(label=_("建议"), queryset=Suggestion.objects.none(), empty_label=_("请选择"))
    lead_unit = UnitChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.none(), empty_label=_("请选择"))
    co_units = UnitMultipleChoiceField(label=_("协办单位"), queryset=HandlingUnit.objects.none(), required=False)
    key_supervision = forms.BooleanField(label=_("确定为重点督办"), required=False)
    supervising_leader = forms.CharField(label=_("牵头督办领导"), max_length=64, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestion"].queryset = candidates(meeting=meeting).order_by("number", "pk")
        use_search(self.fields["suggestion"], reverse("suggestions:pick_handover_suggestions", args=[meeting.pk]),
                   placeholder=_("输入建议标题搜索"))
        units = units_for_congress(meeting.congress).order_by("code")
        url = reverse("suggestions:pick_handover_units", args=[meeting.pk])
        for name in ("lead_unit", "co_units"):
            self.fields[name].queryset = units
            use_search(self.fields[name], url, placeholder=_("输入单位名称搜索"))


class RemoveForm(PortalForm):
    item_id = forms.IntegerField(widget=forms.HiddenInput)

"""The form of a 督办 record: it checks what was typed; the service checks the rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm

from deputies.scoping import units_visible_to

from ..forms import UnitMultipleChoiceField, active_units
from ..models import OPEN_STATUSES, Suggestion


class KeyItemField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, suggestion):
        return f"{suggestion.number_label} {suggestion.title}"


class SupervisionVisitForm(PortalForm):
    theme = forms.CharField(label=_("督办主题"), max_length=64)
    held_on = forms.DateField(label=_("督办日期"), widget=forms.DateInput(attrs={"type": "date"}))
    group_name = forms.CharField(label=_("督办工作组"), max_length=128)
    members = forms.CharField(label=_("组成人员"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    suggestions = KeyItemField(label=_("督办建议"), queryset=Suggestion.objects.none(), widget=forms.CheckboxSelectMultiple)
    units = UnitMultipleChoiceField(label=_("督办单位"), queryset=active_units(), widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label=_("督办情况"), widget=forms.Textarea(attrs={"rows": 6}))
    follow_up = forms.CharField(label=_("督办意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The open key items of the staff user's congress (a few dozen a year),
        # and the units that may answer them.
        self.fields["suggestions"].queryset = Suggestion.objects.visible_to(user).filter(
            key_supervision__isnull=False, status__in=OPEN_STATUSES
        ).order_by("-year", "number")
        self.fields["units"].queryset = active_units().filter(pk__in=units_visible_to(user).values("pk"))

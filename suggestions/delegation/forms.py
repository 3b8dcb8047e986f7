"""Forms of 全团建议: the contact's draft, the head's approval or return."""
from django import forms
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm
from deputies.models import Session

from ..forms import SuggestionTextForm


class DelegationSuggestionForm(SuggestionTextForm):
    delegation = forms.ModelChoiceField(label=_("代表团"), queryset=None, empty_label=None)
    field_order = ["delegation"]  # then the suggestion's own fields, as a deputy fills them

    def __init__(self, *args, delegations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = delegations
        self.fields["session"].queryset = Session.objects.filter(
            term_id__in=delegations.values("term_id")
        ).select_related("term__congress")


class ApproveForm(PortalForm):
    note = forms.CharField(label=_("审定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(PortalForm):
    reason = forms.CharField(label=_("退回修改的意见"), widget=forms.Textarea(attrs={"rows": 3}))


class SendForm(PortalForm):
    """送团长审定 needs nothing typed: the draft is sent as it is."""

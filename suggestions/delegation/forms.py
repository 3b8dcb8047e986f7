"""Forms of 全团建议: the contact's draft, the head's approval or return."""
from django import forms
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm
from deputies.models import Session

from ..models import SuggestionCategory


class DelegationSuggestionForm(PortalForm):
    delegation = forms.ModelChoiceField(label=_("代表团"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=200, help_text=_("简明概括建议的主题，如：关于加快农村养老服务设施建设的建议"))
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 14}), help_text=_("写明问题、原因分析和具体建议。"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=SuggestionCategory.objects.none(), empty_label=_("请选择类别"))
    during_session = forms.BooleanField(label=_("大会期间提出"), required=False)
    session = forms.ModelChoiceField(
        label=_("会议"), queryset=Session.objects.none(), required=False, empty_label=_("闭会期间（不选）"),
        help_text=_("大会期间提出的建议须选择会议。"),
    )
    disclosure_consent = forms.BooleanField(label=_("同意公开本建议及答复"), required=False, initial=True)

    def __init__(self, *args, delegations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = delegations
        self.fields["category"].queryset = SuggestionCategory.objects.filter(is_active=True)
        self.fields["session"].queryset = Session.objects.filter(
            term_id__in=delegations.values("term_id")
        ).select_related("term__congress")


class ApproveForm(PortalForm):
    note = forms.CharField(label=_("审定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(PortalForm):
    reason = forms.CharField(label=_("退回修改的意见"), widget=forms.Textarea(attrs={"rows": 3}))


class SendForm(PortalForm):
    """送团长审定 needs nothing typed: the draft is sent as it is."""

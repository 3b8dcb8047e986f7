"""Forms of the letter pages: they check what was typed; the services check the rules."""
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm
from congress_portal.pickers import use_search
from deputies.models import Deputy, MandateStatus

from ..forms import UnitChoiceField, active_units
from ..models import LetterStatus


class LetterForm(PortalForm):
    deputy_name = forms.CharField(label=_("来信代表姓名"), max_length=64)
    card_number = forms.CharField(
        label=_("代表证号"), max_length=32, required=False, help_text=_("同名代表较多时填写，用于区分。")
    )
    title = forms.CharField(label=_("事由"), max_length=200)
    content = forms.CharField(label=_("来信内容"), widget=forms.Textarea(attrs={"rows": 10}))
    received_on = forms.DateField(label=_("收信日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        name = (data.get("deputy_name") or "").strip()
        if not name:
            return data
        serving = Deputy.objects.filter(name=name, mandates__status=MandateStatus.SERVING)
        card = (data.get("card_number") or "").strip()
        if card:
            serving = serving.filter(Q(mandates__card_number=card))
        found = list(serving.distinct()[:2])
        if not found:
            self.add_error("deputy_name", _("没有找到该在任代表。"))
        elif len(found) > 1:
            self.add_error("card_number", _("有同名代表，请填写代表证号。"))
        else:
            data["deputy"] = found[0]
        return data


class ForwardForm(PortalForm):
    unit = UnitChoiceField(label=_("转办单位"), queryset=active_units(), empty_label=_("请选择单位"))
    due_date = forms.DateField(label=_("答复期限"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("转办意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_search(self.fields["unit"], reverse("suggestions:pick_units"), placeholder=_("输入单位名称搜索"))


class AnswerForm(PortalForm):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 10}))


class ReturnForm(PortalForm):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(
        label=_("新的答复期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CloseLetterForm(PortalForm):
    note = forms.CharField(
        label=_("办结说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("未经转办直接办结的，请写明办理情况。"),
    )


class LetterFilterForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50, help_text=_("事由、单位或代表姓名"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *LetterStatus.choices])
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

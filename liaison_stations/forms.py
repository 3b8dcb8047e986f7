import time

from django import forms
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_portal.pickers import use_search
from deputies.models import HandlingUnit
from deputies.selectors import units_serving_area
from suggestions.models import SuggestionCategory

from .models import (
    Activity,
    ConstituentRating,
    IssueCategory,
    IssueStatus,
    ReceptionRule,
    StationKind,
    StationPolicy,
    normalise_tracking_code,
)

FORM_TOKEN_SALT = "liaison_stations.message-form"
FORM_TOKEN_MAX_AGE = 24 * 3600


def form_token(started=None):
    """A signed note of when the form was shown: a message sent sooner than
    the policy's minimum fill time is taken for a robot."""
    return signing.dumps({"t": int(started if started is not None else time.time())}, salt=FORM_TOKEN_SALT)


class PublicMessageForm(forms.Form):
    """码上说: a message from the public. ``website`` is a honeypot that people
    never see; ``started`` is the signed time the form was shown."""

    content = forms.CharField(label=_("留言内容"), widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("称呼（选填）"), max_length=64, required=False)
    contact = forms.CharField(label=_("联系方式（选填）"), max_length=64, required=False)
    consents_to_contact = forms.BooleanField(label=_("同意工作人员联系我并告知办理结果"), required=False)
    website = forms.CharField(
        label=_("请勿填写此项"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, policy=None, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy or StationPolicy.current()
        self.fields["content"].max_length = self.policy.message_max_length
        self.fields["content"].validators.append(MaxLengthValidator(self.policy.message_max_length))
        self.fields["content"].widget.attrs["maxlength"] = str(self.policy.message_max_length)
        if not self.is_bound:
            self.initial["started"] = form_token()
        if stations is not None:
            # A deputy's page: the message goes to one of the stations they are stationed at.
            self.fields["station"] = forms.ModelChoiceField(label=_("联络站"), queryset=stations, empty_label=None)
            self.order_fields(["station"])

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未通过校验。"), code="spam")
        return ""

    def clean_started(self):
        try:
            payload = signing.loads(self.cleaned_data["started"], salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(_("页面已过期，请刷新后重新填写。"), code="expired") from None
        elapsed = time.time() - payload.get("t", 0)
        if elapsed > FORM_TOKEN_MAX_AGE:
            raise forms.ValidationError(_("页面已过期，请刷新后重新填写。"), code="expired")
        if elapsed < self.policy.message_min_fill_seconds:
            raise forms.ValidationError(_("提交过快，请稍后再提交。"), code="too_fast")
        return payload["t"]

    def clean(self):
        data = super().clean()
        if data.get("consents_to_contact") and not (data.get("contact") or "").strip():
            self.add_error("contact", _("同意联系的，请留下联系方式。"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_tracking_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("查询码为8位字母或数字，请核对后重新输入。"))
        return code


class RatingForm(forms.Form):
    """The person's rating of a released answer, on the public status page."""

    rating = forms.ChoiceField(label=_("您对办理结果是否满意"), choices=ConstituentRating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（不满意的请说明原因）"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    mobile_last4 = forms.CharField(
        label=_("手机号后4位"), required=False, max_length=4,
        help_text=_("留言时留了手机号的，请填写其后4位以核对身份。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )


class BookingForm(forms.Form):
    """预约见面 on a station's page: the slot is one of ``bookings.slots``."""

    slot = forms.ChoiceField(label=_("接待日和代表"))
    name = forms.CharField(label=_("姓名"), max_length=64)
    mobile = forms.CharField(label=_("手机号码"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    topic = forms.CharField(label=_("想反映的事项"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("请选择"))] + [
            (key, f"{day:%Y-%m-%d} · {deputy.name}") for key, day, deputy in slots
        ]


class BookingDecisionForm(forms.Form):
    reply = forms.CharField(label=_("回复预约人"), required=False, max_length=255)


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    received_on = forms.DateField(label=_("接待日期"), widget=forms.DateInput(attrs={"type": "date"}))
    people_count = forms.IntegerField(label=_("接待人数"), min_value=1, required=False)
    deputies = forms.ModelMultipleChoiceField(label=_("接待代表"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    activity = forms.ModelChoiceField(label=_("所属活动"), queryset=None, required=False)
    summary = forms.CharField(label=_("接待情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = station.deputies.filter(stationings__is_active=True).only("id", "name")
        self.fields["activity"].queryset = Activity.objects.filter(
            pk__in=Activity.objects.filter(station=station).order_by("-starts_at").values("pk")[:50]
        )


class VisitorForm(forms.Form):
    name = forms.CharField(label=_("姓名（选填）"), max_length=64, required=False)
    contact = forms.CharField(label=_("联系方式（选填）"), max_length=64, required=False)
    consents_to_contact = forms.BooleanField(label=_("同意回访"), required=False)


class IssueEntryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=IssueCategory.objects.filter(is_active=True),
                                      required=False)
    content = forms.CharField(label=_("反映问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=5000)
    raised_by_name = forms.CharField(label=_("反映人（选填）"), max_length=64, required=False)
    raised_by_contact = forms.CharField(label=_("联系方式（选填）"), max_length=64, required=False)
    consents_to_contact = forms.BooleanField(label=_("同意告知结果"), required=False)


VisitorFormSet = forms.formset_factory(VisitorForm, extra=3, max_num=200)
IssueFormSet = forms.formset_factory(IssueEntryForm, extra=3, max_num=100)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("当场答复意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("转办单位"), queryset=HandlingUnit.objects.filter(is_active=True))
    due_on = forms.DateField(label=_("反馈期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("不填则按默认期限。"))
    note = forms.CharField(label=_("转办说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, issue=None, **kwargs):
        """``issue``: the units offered are those of its station's area and
        of the areas above it, searched by name."""
        super().__init__(*args, **kwargs)
        if issue is not None:
            self.fields["unit"].queryset = units_serving_area(issue.station.area).order_by("code")
            use_search(self.fields["unit"], reverse("liaison_stations:pick_units", args=[issue.pk]),
                       placeholder=_("输入单位名称搜索"))


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("反馈意见"), widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果（告知反映人）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("建议标题"), max_length=200)
    category = forms.ModelChoiceField(label=_("建议类别"), queryset=SuggestionCategory.objects.filter(is_active=True))
    content = forms.CharField(label=_("建议内容"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("不填则使用问题内容。"))


class ReceptionRuleForm(forms.ModelForm):
    class Meta:
        model = ReceptionRule
        fields = ["title", "frequency", "interval", "weekday", "week_of_month", "day_of_month", "start_time",
                  "end_time", "starts_on", "ends_on", "deputies", "note", "is_active"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
            "deputies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = station.deputies.filter(stationings__is_active=True).only("id", "name")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "starts_at", "ends_at", "deputies", "handling_unit", "participants", "description"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "deputies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = station.deputies.filter(stationings__is_active=True).only("id", "name")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或地址"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + list(StationKind.choices))
    area = forms.CharField(label=_("区划代码"), required=False, max_length=12)


class IssueFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=64,
                        help_text=_("在问题内容、答复意见和单位反馈中查找，多个词以空格分隔。"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + list(IssueStatus.choices))
    overdue = forms.BooleanField(label=_("只看反馈逾期"), required=False)
    unsatisfied = forms.BooleanField(label=_("只看群众不满意"), required=False)

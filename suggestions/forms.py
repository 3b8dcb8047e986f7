"""Forms of the suggestion pages. They only check what a person typed; every
rule about the suggestion itself is checked by suggestions.services, whose
errors the views put back beside the fields."""
import hashlib

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import AttachmentsField, PortalForm
from congress_portal.pickers import use_search
from congress_portal.workdays import local_today
from deputies.congress_picker import seen_congress_field
from deputies.models import Congress, Deputy, HandlingUnit, MandateStatus, Session

from .pickers import cosigner_choices, deputy_label, suggestion_congress_id, units_for
from .models import (
    AssignmentState,
    ContactMethod,
    ContactStage,
    Disclosure,
    HandlingMode,
    ResultCategory,
    Satisfaction,
    Status,
    SuggestionCategory,
)

TEXTAREA = {"rows": 8}


def active_units():
    return HandlingUnit.objects.filter(is_active=True).order_by("code")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class CoSignerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, deputy):
        return deputy_label(deputy)


class AttachmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, attachment):
        return attachment.name


# ---------------------------------------------------------------- deputies


class SuggestionTextForm(PortalForm):
    """What every suggestion asks for, whoever proposes it (a deputy, or a
    delegation through its contact): the text, the category, the session, consent
    to publish. The caller sets the session choices."""

    title = forms.CharField(label=_("标题"), max_length=200, help_text=_("简明概括建议的主题，如：关于加快农村养老服务设施建设的建议"))
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 14}), help_text=_("写明问题、原因分析和具体建议。"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=SuggestionCategory.objects.none(), empty_label=_("请选择类别"))
    during_session = forms.BooleanField(label=_("大会期间提出"), required=False)
    session = forms.ModelChoiceField(
        label=_("会议"), queryset=Session.objects.none(), required=False, empty_label=_("闭会期间（不选）"),
        help_text=_("大会期间提出的建议须选择会议。"),
    )
    disclosure_consent = forms.BooleanField(label=_("同意公开本建议及答复"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = SuggestionCategory.objects.filter(is_active=True)


class SuggestionForm(SuggestionTextForm):
    congress = forms.ModelChoiceField(
        label=_("以哪一级人大代表身份提出"), queryset=Congress.objects.none(), required=False, empty_label=None,
        help_text=_("闭会期间提出的建议交本级人大常委会办理；大会期间提出的，以所选会议为准。"),
    )
    co_signers = CoSignerField(
        label=_("邀请附议代表"), queryset=Deputy.objects.none(), required=False,
        help_text=_("输入姓名或工作单位搜索，可选多位。被邀请的代表确认后成为附议代表。"),
    )
    attachments = AttachmentsField(label=_("附件"))

    def __init__(self, *args, lead_deputy, draft=None, for_draft=False, **kwargs):
        """``draft``: the draft being edited (its attachments can be removed);
        ``for_draft``: saving a draft, so nothing is required yet."""
        super().__init__(*args, **kwargs)
        if for_draft:
            for name in ("title", "content", "category"):
                self.fields[name].required = False
        if draft is not None and draft.attachments.all():
            self.fields["remove_attachments"] = AttachmentChoiceField(
                label=_("删除已上传的文件"), queryset=draft.attachments.all(), required=False,
                widget=forms.CheckboxSelectMultiple, help_text=_("勾选的文件在保存或提交时删除。"),
            )  # fmt: skip
        terms = lead_deputy.mandates.filter(status=MandateStatus.SERVING).values("term_id")
        self.fields["session"].queryset = Session.objects.filter(term_id__in=terms).select_related("term__congress")
        # A deputy with several mandates says as which congress's deputy they write; with one, nothing to ask.
        mandates = list(lead_deputy.mandates.filter(status=MandateStatus.SERVING).select_related("term__congress__area")
                        .order_by("level_rank", "-term__number"))
        labels = {}
        for mandate in mandates:
            labels.setdefault(mandate.congress_id, _("%(term)s代表") % {"term": mandate.term})
        field = self.fields["congress"]
        field.queryset = Congress.objects.filter(pk__in=labels)
        field.choices = list(labels.items())  # highest level first, named by the mandate
        if len(labels) < 2:
            field.widget = forms.HiddenInput()
        # Co-signers serve in the suggestion's congress: the one posted (session or 以哪一级人大代表身份提出), else the draft's, else the first.
        source = self.data if self.is_bound else {**({"congress": getattr(draft, "congress_id", None)} if draft else {}), **self.initial}
        congress_id = suggestion_congress_id(lead_deputy, congress=source.get("congress"), session=source.get("session"))
        self.fields["co_signers"].queryset = cosigner_choices(lead_deputy, congress_id).order_by("name", "pk")
        use_search(self.fields["co_signers"], reverse("suggestions:pick_cosigners"), placeholder=_("输入代表姓名或工作单位"))
        self.fields["co_signers"].widget.attrs["data-search-with"] = "congress session"


class RatingForm(PortalForm):
    process_rating = forms.ChoiceField(label=_("办理过程评价"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    result_rating = forms.ChoiceField(label=_("办理结果评价"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("不满意时请说明意见。"))


class SecondRatingForm(PortalForm):
    rating = forms.ChoiceField(label=_("对二次答复的评价"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# ---------------------------------------------------------------- handling units


class ReassignmentForm(PortalForm):
    reason = forms.CharField(label=_("申请调整理由"), widget=forms.Textarea(attrs={"rows": 4}))
    suggested_unit = UnitChoiceField(label=_("建议改由单位"), queryset=HandlingUnit.objects.none(), required=False, empty_label=_("（不指定）"))

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is None:
            self.fields["suggested_unit"].queryset = active_units()
            return
        self.fields["suggested_unit"].queryset = units_for(assignment.suggestion).exclude(pk=assignment.unit_id)
        use_search(self.fields["suggested_unit"], reverse("suggestions:pick_unit_units", args=[assignment.pk]))


class CoOpinionForm(PortalForm):
    content = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs=TEXTAREA))


class ContactForm(PortalForm):
    stage = forms.ChoiceField(label=_("阶段"), choices=ContactStage.choices)
    method = forms.ChoiceField(label=_("方式"), choices=ContactMethod.choices)
    contacted_at = forms.DateTimeField(
        label=_("联系时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    note = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(PortalForm):
    letter = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 14}))
    result_category = forms.ModelChoiceField(label=_("办理结果类别"), queryset=ResultCategory.objects.none(), empty_label=_("请选择"))
    signed_off_by = forms.CharField(label=_("签发领导"), max_length=64)
    attachments = AttachmentsField(label=_("答复函及附件"))

    def __init__(self, *args, notice="", pending_co_units=(), **kwargs):
        """``notice``: what submitting will do, shown above the fields;
        ``pending_co_units``: co-units whose opinion has not come, which the
        unit must acknowledge before the reply goes."""
        super().__init__(*args, **kwargs)
        self.fields["result_category"].queryset = ResultCategory.objects.filter(is_active=True)
        self.notice = notice
        if pending_co_units:
            self.fields["without_co_opinions"] = forms.BooleanField(
                label=_("我已知悉%(units)s尚未送来协办意见，仍然提交答复") % {"units": "、".join(pending_co_units)},
                error_messages={"required": _("协办单位尚未送来协办意见：请确认仍然提交，或等协办意见送到后再答复。")},
            )


class SecondReplyForm(PortalForm):
    content = forms.CharField(label=_("二次答复"), widget=forms.Textarea(attrs=TEXTAREA), help_text=_("写明答复以来实际办成了什么。"))
    result_category = forms.ModelChoiceField(label=_("办理结果类别"), queryset=ResultCategory.objects.none(), required=False, empty_label=_("（不变）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_category"].queryset = ResultCategory.objects.filter(is_active=True)


class InboxFilterForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("办理状态"), required=False, choices=[("", _("全部")), *AssignmentState.choices])
    overdue = forms.BooleanField(label=_("只看超期"), required=False)


# ---------------------------------------------------------------- staff


class RegisterForm(PortalForm):
    note = forms.CharField(label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(PortalForm):
    reason = forms.CharField(label=_("不作为代表建议处理的理由"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("如：属于个人诉求、应作为议案提出、属于申诉控告等。"))
    forward_as_letter = forms.BooleanField(label=_("转为来信处理"), required=False)


def _unit_picker(field, suggestion):
    """The units ``suggestion`` may go to, searched by name (every active unit
    in a plain list when there is no suggestion to scope by)."""
    if suggestion is None:
        field.queryset = active_units()
        return
    field.queryset = units_for(suggestion)
    use_search(field, reverse("suggestions:pick_staff_units", args=[suggestion.pk]), placeholder=_("输入单位名称搜索"))


class AssignForm(PortalForm):
    mode = forms.ChoiceField(label=_("办理方式"), choices=HandlingMode.choices, initial=HandlingMode.LEAD, widget=forms.RadioSelect)
    lead_unit = UnitChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.none(), required=False, empty_label=_("请选择"))
    co_units = UnitMultipleChoiceField(label=_("协办单位"), queryset=HandlingUnit.objects.none(), required=False)
    split_units = UnitMultipleChoiceField(
        label=_("分办单位"), queryset=HandlingUnit.objects.none(), required=False,
        help_text=_("分办时选择两个以上单位，各自答复。"),
    )
    note = forms.CharField(label=_("交办说明"), required=False, max_length=200)
    scoped_by_suggestion = True

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units", "split_units"):
            _unit_picker(self.fields[name], suggestion)


class KeySupervisionForm(PortalForm):
    supervising_leader = forms.CharField(label=_("牵头督办领导"), max_length=64)
    supervising_committee = forms.CharField(label=_("对口督办专门委员会"), max_length=64, required=False)
    government_leader = forms.CharField(label=_("领办领导"), max_length=64, required=False)
    note = forms.CharField(label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(PortalForm):
    new_due_date = forms.DateField(label=_("新的答复期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReassignmentDecisionForm(PortalForm):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("审批结果"), choices=[("1", _("同意调整")), ("0", _("不同意调整"))], coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    new_unit = UnitChoiceField(label=_("改由单位"), queryset=HandlingUnit.objects.none(), required=False, empty_label=_("请选择"))
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scoped_by_suggestion = True

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_picker(self.fields["new_unit"], suggestion)


class DisclosureForm(PortalForm):
    mode = forms.ChoiceField(
        label=_("公开方式"), widget=forms.RadioSelect,
        choices=[(Disclosure.FULL, Disclosure.FULL.label), (Disclosure.SUMMARY, Disclosure.SUMMARY.label), (Disclosure.NONE, Disclosure.NONE.label)],
    )
    summary = forms.CharField(label=_("公开摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("不公开，或代表不同意而仍公开时，须说明理由。"))


class CloseForm(PortalForm):
    note = forms.CharField(label=_("办结说明"), required=False, max_length=200)


BULK_ACTIONS = [("key", _("确定为重点督办")), ("extend", _("延长答复期限"))]


class BulkChoiceForm(PortalForm):
    """The items ticked on a staff list and what to do with them."""

    action = forms.ChoiceField(label=_("对所选建议"), choices=BULK_ACTIONS)


class FollowUpSelectForm(PortalForm):
    """Which replied items a follow-up review round looks at."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None, choices=[])
    results = forms.ModelMultipleChoiceField(
        label=_("办理结果"), queryset=ResultCategory.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        to_field_name="code", help_text=_("当前答复属于所选类别的已办结建议。"),
    )  # fmt: skip
    unsatisfied = forms.BooleanField(label=_("以及领衔代表测评不满意的"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, str(y)) for y in years]]
        self.fields["results"].queryset = ResultCategory.objects.filter(is_active=True)

    def rule(self):
        """(year, result codes, unsatisfied): what was asked for, else the usual rule (the initial values)."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return data["year"], [r.code for r in data["results"]], data["unsatisfied"]
        return self.initial.get("year"), [r.code for r in self.initial.get("results", [])], bool(self.initial.get("unsatisfied"))


class FollowUpRoundForm(PortalForm):
    title = forms.CharField(label=_("名称"), max_length=128, help_text=_("如：2025年度代表建议办理“回头看”"))
    due_date = forms.DateField(label=_("二次答复期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    suggestions = forms.ModelMultipleChoiceField(
        label=_("列入回头看的建议"), queryset=None, widget=forms.MultipleHiddenInput,
        error_messages={"required": _("请至少选择一件建议。"), "invalid_choice": _("所选建议不在候选范围内，请刷新后再选。")},
    )  # fmt: skip
    # The choice the person confirmed (its fingerprint): a changed choice is shown for confirmation again.
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].queryset = candidates

    def clean_due_date(self):
        # Said before the confirmation step, not after it (the service checks it again).
        due_date = self.cleaned_data["due_date"]
        if due_date <= local_today():
            raise forms.ValidationError(_("二次答复期限须晚于今天。"))
        return due_date

    def fingerprint(self):
        data = self.cleaned_data
        ids = ",".join(str(pk) for pk in sorted(s.pk for s in data["suggestions"]))
        return hashlib.sha256(f"{ids}|{data['due_date']:%Y-%m-%d}".encode()).hexdigest()[:32]

    def is_confirmed(self):
        return self.cleaned_data.get("confirmed") == self.fingerprint()


class StaffFilterForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices])
    unit = UnitChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(), required=False, empty_label=_("全部单位"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=SuggestionCategory.objects.none(), required=False, empty_label=_("全部类别"))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1954, max_value=2100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()
        use_search(self.fields["unit"], reverse("suggestions:pick_units"), placeholder=_("全部单位（输入名称搜索）"))
        self.fields["category"].queryset = SuggestionCategory.objects.all()
        if user is not None:  # the congresses the staff supervise: their own (the default) and those below, read-only
            self.fields["congress"] = seen_congress_field(user)


# ---------------------------------------------------------------- public


class PublicFilterForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：养老、教育")}))
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None, choices=[])
    category = forms.ModelChoiceField(label=_("类别"), queryset=SuggestionCategory.objects.none(), required=False, empty_label=_("全部类别"))
    unit = UnitChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(), required=False, empty_label=_("全部单位"))
    result_category = forms.ModelChoiceField(label=_("办理结果"), queryset=ResultCategory.objects.none(), required=False, empty_label=_("全部结果"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, str(y)) for y in years]]
        self.fields["category"].queryset = SuggestionCategory.objects.all()
        self.fields["unit"].queryset = active_units()
        use_search(self.fields["unit"], reverse("suggestions:pick_units"), placeholder=_("全部单位（输入名称搜索）"))
        self.fields["result_category"].queryset = ResultCategory.objects.all()

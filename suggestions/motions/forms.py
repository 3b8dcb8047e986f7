"""Forms of the motion pages: they check what was typed and find the deputies
named; the services check the rules (window, number of signers)."""
import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django.urls import reverse

from congress_portal.forms import PortalForm
from congress_portal.accounts import roles
from congress_portal.pickers import use_search
from deputies.models import Delegation, Deputy, MandateStatus, Session

from ..models import MotionStatus, SuggestionCategory
from ..pickers import deputy_label
from .selectors import signer_choices


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return str(session)


def _names(text):
    return [n for n in re.split(r"[\s,，、;；]+", text or "") if n]


class MotionForm(PortalForm):
    session = SessionChoiceField(label=_("会议"), queryset=Session.objects.none(), empty_label=_("请选择会议"))
    delegation = forms.ModelChoiceField(
        label=_("提出代表团"), queryset=Delegation.objects.none(), required=False, empty_label=_("（代表联名提出）"),
        help_text=_("以代表团名义提出的，选择代表团；代表联名提出的，留空。"),
    )
    lead_deputy_name = forms.CharField(label=_("领衔代表姓名"), max_length=64)
    signer_names = forms.CharField(
        label=_("联名代表"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("联名代表姓名，以顿号、逗号或换行分隔（不含领衔代表）。"),
    )
    title = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(label=_("案据和方案"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Sessions under way or about to open (a motion is proposed at one), of
        # the staff user's own congress, and that congress's delegations.
        recent = timezone.localdate() - datetime.timedelta(days=7)
        sessions = Session.objects.filter(end_date__gte=recent).select_related("term__congress").order_by("-start_date")
        delegations = Delegation.objects.order_by("-term_id", "name")
        if user is not None:
            sessions = roles.scope_to_congress(sessions, user, "term__congress")
            delegations = roles.scope_to_congress(delegations, user, "term__congress")
        self.fields["session"].queryset = sessions
        self.fields["delegation"].queryset = delegations

    def _find(self, session, names, field):
        """The serving deputies of the session's term with these names, one each."""
        found = {}
        rows = Deputy.objects.filter(
            name__in=names, mandates__term_id=session.term_id, mandates__status=MandateStatus.SERVING
        ).distinct()
        for deputy in rows:
            found.setdefault(deputy.name, []).append(deputy)
        missing = [n for n in names if n not in found]
        twice = [n for n in names if len(found.get(n, [])) > 1]
        if missing:
            self.add_error(field, _("没有找到本届在任代表：%(names)s。") % {"names": "、".join(missing)})
        if twice:
            self.add_error(field, _("有同名代表，请在管理后台录入：%(names)s。") % {"names": "、".join(twice)})
        return [found[n][0] for n in dict.fromkeys(names) if len(found.get(n, [])) == 1]

    def clean(self):
        data = super().clean()
        session = data.get("session")
        if session is None:
            return data
        lead = self._find(session, _names(data.get("lead_deputy_name")), "lead_deputy_name")
        data["lead_deputy"] = lead[0] if lead else None
        data["signers"] = self._find(session, _names(data.get("signer_names")), "signer_names")
        return data


class PlaceForm(PortalForm):
    committee = forms.CharField(label=_("交付审议的专门委员会"), max_length=64)
    note = forms.CharField(label=_("主席团决定"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AsSuggestionForm(PortalForm):
    category = forms.ModelChoiceField(label=_("建议类别"), queryset=SuggestionCategory.objects.none(), empty_label=_("请选择类别"))
    note = forms.CharField(label=_("主席团决定"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = SuggestionCategory.objects.filter(is_active=True)


class ReportForm(PortalForm):
    report = forms.CharField(label=_("审议结果报告"), widget=forms.Textarea(attrs={"rows": 8}))


class WithdrawForm(PortalForm):
    note = forms.CharField(label=_("撤回说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MotionFilterForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50, help_text=_("案由、领衔代表或代表团"))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *MotionStatus.choices])


# ------------------------------------------------ 网上提出议案 (deputies)


class DeputyLabelField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, deputy):
        return deputy_label(deputy)


class DraftMotionForm(PortalForm):
    session = SessionChoiceField(label=_("会议"), queryset=Session.objects.none(), empty_label=_("请选择会议"))
    delegation = forms.ModelChoiceField(
        label=_("提出代表团"), queryset=Delegation.objects.none(), required=False, empty_label=_("（代表联名提出）"),
        help_text=_("您是代表团联络员的，可以代表团名义起草；代表联名提出的，留空。"),
    )
    title = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(label=_("案据和方案"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, deputy, delegations, **kwargs):
        super().__init__(*args, **kwargs)
        terms = deputy.mandates.filter(status=MandateStatus.SERVING).values("term_id")
        recent = timezone.localdate() - datetime.timedelta(days=7)
        self.fields["session"].queryset = (
            Session.objects.filter(term_id__in=terms, end_date__gte=recent).select_related("term__congress").order_by("-start_date")
        )
        if delegations.exists():
            self.fields["delegation"].queryset = delegations
        else:
            del self.fields["delegation"]


class DraftTextForm(PortalForm):
    title = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(label=_("案据和方案"), required=False, widget=forms.Textarea(attrs={"rows": 12}))


class InviteForm(PortalForm):
    deputies = DeputyLabelField(label=_("邀请联名的代表"), queryset=Deputy.objects.none())

    def __init__(self, *args, motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = signer_choices(motion).order_by("name", "pk")
        use_search(self.fields["deputies"], reverse("suggestions:pick_motion_signers", args=[motion.pk]),
                   placeholder=_("输入代表姓名或工作单位"))


class SubmitDraftForm(PortalForm):
    """提出议案: no fields; the page states what it does before it is confirmed."""

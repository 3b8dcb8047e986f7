"""Forms of the voting pages. They only shape input; the services decide."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm
from congress_portal.pickers import use_search
from deputies.models import AdministrativeArea, AreaKind, Level

from .models import Choice, ProgressReport, Proposal, ReviewDecision, Satisfaction


class VoteForm(forms.Form):
    """One radio group per candidate: for, against or abstain."""

    def __init__(self, *args, ballot, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"c{candidate.pk}"] = forms.ChoiceField(
                label=f"{candidate.order}. {candidate.project.title}", choices=Choice.choices, widget=forms.RadioSelect
            )

    def clean(self):
        data = super().clean()
        approvals = sum(1 for key, value in data.items() if key.startswith("c") and value == Choice.FOR)
        if approvals > self.ballot.seats:
            raise ValidationError(_("赞成的项目不能超过应选项目数%(seats)s个。") % {"seats": self.ballot.seats})
        return data

    def marks(self):
        return {str(c.pk): self.cleaned_data[f"c{c.pk}"] for c in self.candidates}

    def rows(self):
        return [(candidate, self[f"c{candidate.pk}"]) for candidate in self.candidates]


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("回执码"), max_length=32, help_text=_("投票成功后显示的12位回执码，如 7K2M-Q9XA-3PTD。"))


class PublicProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "description", "estimated_budget", "responsible_department", "area", "proposer_name", "proposer_contact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"proposer_contact": _("选填，仅供工作人员联系您，不会公开。")}


class MemberProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "description", "estimated_budget", "responsible_department", "area"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class ReviewForm(forms.Form):
    decided_on = forms.DateField(label=_("审议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.ChoiceField(label=_("审议结果"), choices=ReviewDecision.Decision.choices)
    note = forms.CharField(label=_("审议意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CandidatesForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(label=_("候选项目"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects


class NewBallotForm(PortalForm):
    """A new ballot of a call: its name, N, the plenary it is held at, and the
    candidate projects (those adopted and not yet on a ballot)."""

    title = forms.CharField(label=_("票决名称"), max_length=128)
    seats = forms.IntegerField(
        label=_("应选项目数"), min_value=1, max_value=100,
        help_text=_("实行差额票决：提交审议时，候选项目数须多于应选项目数。"),
    )
    session = forms.ModelChoiceField(
        label=_("票决会议"), queryset=None, required=False, empty_label=_("不在会议期间（按投票当日在任代表）"),
        help_text=_("在人民代表大会会议期间票决的，参加票决代表名单按该次会议所属届次确定。"),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("候选项目"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("已采纳、尚未列入票决的项目；可以稍后在票决页调整。"),
    )

    def __init__(self, *args, call, projects, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = _("%(year)s年%(place)s民生实事项目人大代表票决") % {"year": call.year, "place": call.congress.place}
        self.fields["projects"].queryset = projects
        self.fields["session"].queryset = sessions


PAPER_LINE = re.compile(r"^\s*(?:(\d+)\s*[x×*]\s*)?([+\-0.]+)\s*$")
PAPER_SYMBOLS = {"+": Choice.FOR, "-": Choice.AGAINST, "0": Choice.ABSTAIN}


class PaperBatchForm(forms.Form):
    """Paper ballots typed in as lines of symbols in the candidates' order:
    + for, - against, 0 abstain, . unmarked; "12×++0-" means twelve such ballots."""

    label = forms.CharField(label=_("批次"), max_length=64)
    deputies = forms.MultipleChoiceField(label=_("交纸质选票的代表"), widget=forms.CheckboxSelectMultiple)
    ballots = forms.CharField(
        label=_("选票内容"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一种票面，按候选项目顺序：+ 赞成，- 反对，0 弃权，. 未填写；“12×++0-”表示12张相同的选票。"),
    )

    def __init__(self, *args, candidates, electors, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["deputies"].choices = [(e.deputy_id, e.deputy.name) for e in electors]

    def clean_ballots(self):
        ballots = []
        for number, line in enumerate(self.cleaned_data["ballots"].splitlines(), start=1):
            if not line.strip():
                continue
            match = PAPER_LINE.match(line)
            if not match or len(match.group(2)) != len(self.candidates):
                raise ValidationError(
                    _("第%(line)s行格式不正确：需要%(n)s个符号。") % {"line": number, "n": len(self.candidates)}
                )
            count = int(match.group(1) or 1)
            marks = {
                str(c.pk): PAPER_SYMBOLS[symbol]
                for c, symbol in zip(self.candidates, match.group(2))
                if symbol in PAPER_SYMBOLS
            }
            ballots.extend(dict(marks) for _ in range(count))
        return ballots

    def clean_deputies(self):
        return [int(pk) for pk in self.cleaned_data["deputies"]]


class ProgressReportForm(forms.ModelForm):
    photo = forms.ImageField(label=_("现场照片"), required=False)
    caption = forms.CharField(label=_("照片说明"), max_length=128, required=False)

    class Meta:
        model = ProgressReport
        fields = ["reported_on", "percent_done", "narrative", "problems"]
        widgets = {"reported_on": forms.DateInput(attrs={"type": "date"}), "narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


class RatingForm(forms.Form):
    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = projects
        for project in projects:
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                label=project.title, choices=Satisfaction.choices, widget=forms.RadioSelect, required=False
            )

    def ratings(self):
        return [(p, self.cleaned_data[f"p{p.pk}"]) for p in self.projects if self.cleaned_data.get(f"p{p.pk}")]


class CompareFilterForm(forms.Form):
    """Staff's side-by-side filter: a year, a level, an area (a prefecture or a
    county, with the congresses below it). The page and its export share it."""

    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label=_("层级"), required=False,
        choices=[("", _("全部")), (Level.COUNTY, _("县级")), (Level.TOWNSHIP, _("乡级"))],
    )
    area = forms.ModelChoiceField(
        label=_("地区"), required=False, empty_label=_("全省"),
        queryset=AdministrativeArea.objects.filter(kind__in=[AreaKind.PREFECTURE, AreaKind.COUNTY]).order_by("path"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A province has well over a hundred prefectures and counties: searched by name.
        use_search(self.fields["area"], reverse("voting:pick_areas"), placeholder=_("全省（输入地区名称搜索）"))


class CongressRulesForm(PortalForm):
    """本级票决规则: the shares as percentages (officers say 过半数, 三分之二), the stages one per line."""

    quorum_percent = forms.DecimalField(
        label=_("到会比例（须超过，%）"), min_value=0, max_value=100, decimal_places=2,
        help_text=_("到会代表须超过全体代表的该比例，票决方为有效。过半数填50。"),
    )
    majority_percent = forms.DecimalField(
        label=_("赞成票比例（须超过，%）"), min_value=0, max_value=100, decimal_places=2,
        help_text=_("候选项目获得的赞成票须超过全体代表的该比例方可当选。过半数填50。"),
    )
    stages = forms.CharField(
        label=_("审议环节"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个，按审议顺序，如：主任会议审议、常委会会议审议。"),
    )

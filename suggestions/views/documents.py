"""公文: staff download a unit's 交办函 for a 交办会, the 督办函 of one item,
the monthly 进度通报 and the yearly report on the handling work as Word
documents (``suggestions.documents``)."""
import datetime

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.forms import PortalForm
from congress_portal.wordml import CONTENT_TYPE
from deputies.models import HandlingUnit

from .. import documents, selectors
from ..models import AWAITING_REPLY, DocumentKind
from ..permissions import can_send_progress_notices
from .common import staff_required


class DocNumberForm(PortalForm):
    number = forms.IntegerField(
        label=gettext_lazy("发文序号"), required=False, min_value=1, max_value=99999,
        help_text=gettext_lazy("文号由公文模板的发文字号前缀、年份和序号组成，如：湘人常代字〔2026〕12号；可留空。"),
    )


class BatchForm(DocNumberForm):
    date = forms.DateField(label=gettext_lazy("交办会日期"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["date", "number"]


class SupervisionLetterForm(PortalForm):
    act_by = forms.DateField(label=gettext_lazy("报送进展的期限"), widget=forms.DateInput(attrs={"type": "date"}))
    number = BatchForm.base_fields["number"]


def _docx(content, filename):
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@staff_required
def staff_documents(request):
    """公文: the 交办函 of a 交办会 (one per unit) and the yearly report."""
    form = BatchForm(request.GET or None)
    units = []
    if form.is_valid():
        units = documents.batch_units(held_on=form.cleaned_data["date"], user=request.user)
    today = timezone.localdate()
    return render(request, "suggestions/documents.html", {
        "form": form, "units": units, "years": list(range(today.year, today.year - 5, -1)),
        "can_send_notices": can_send_progress_notices(request.user),
    })


@staff_required
def staff_assignment_letter(request, unit_pk):
    form = BatchForm(request.GET)
    if not form.is_valid():
        raise Http404
    unit = get_object_or_404(HandlingUnit, pk=unit_pk)
    held_on = form.cleaned_data["date"]
    number = documents.doc_number_for(
        DocumentKind.ASSIGNMENT_LETTER, sequence=form.cleaned_data["number"], year=held_on.year, user=request.user
    )
    content = documents.assignment_letter(unit=unit, held_on=held_on, doc_number=number, user=request.user)
    return _docx(content, _("交办函-%(unit)s-%(date)s.docx") % {"unit": unit.name, "date": held_on.isoformat()})


@staff_required
def staff_yearly_report(request, year):
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    form = DocNumberForm(request.GET)
    sequence = form.cleaned_data["number"] if form.is_valid() else None
    number = documents.doc_number_for(
        DocumentKind.YEARLY_REPORT, sequence=sequence, year=timezone.localdate().year, user=request.user
    )
    content = documents.yearly_report(user=request.user, year=year, doc_number=number)
    return _docx(content, _("%(year)s年度代表建议办理工作情况报告.docx") % {"year": year})


@staff_required
def staff_supervision_letter(request, pk):
    """督办函 for one assigned item: a form for the date the unit reports by, then the .docx."""
    suggestion = selectors.suggestion_detail(user=request.user, pk=pk)
    if suggestion.status not in AWAITING_REPLY:
        raise Http404
    form = SupervisionLetterForm(
        request.GET or None, initial={"act_by": timezone.localdate() + datetime.timedelta(days=15)}
    )
    if form.is_valid():
        number = documents.doc_number_for(
            DocumentKind.SUPERVISION_LETTER, sequence=form.cleaned_data["number"], year=timezone.localdate().year,
            congress=suggestion.congress,
        )
        content = documents.supervision_letter(suggestion=suggestion, act_by=form.cleaned_data["act_by"], doc_number=number)
        return _docx(content, _("督办函-%(number)s.docx") % {"number": suggestion.number_label})
    return render(request, "suggestions/supervision_letter.html", {"form": form, "suggestion": suggestion})


@staff_required
def staff_progress_notice(request):
    """The month's 进度通报 as of today, as .docx."""
    today = timezone.localdate()
    form = DocNumberForm(request.GET)
    sequence = form.cleaned_data["number"] if form.is_valid() else None
    number = documents.doc_number_for(DocumentKind.PROGRESS_NOTICE, sequence=sequence, year=today.year, user=request.user)
    content = documents.progress_notice(today=today, user=request.user, doc_number=number)
    return _docx(content, _("%(year)s年%(month)s月代表建议办理进度通报.docx") % {"year": today.year, "month": today.month})

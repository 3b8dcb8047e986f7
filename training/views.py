"""Pages: the deputy's own sessions, check-in, hours and yearly record; the
staff's sessions with their roll and QR code, the coverage report and the
duty records. Thin: reads from selectors, writes through services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress_portal import pickers
from congress_portal.accounts import roles
from congress_portal.uploads import extension_of, file_response
from deputies.models import Deputy

from . import exports, forms, selectors, services
from . import models as m
from . import permissions as perms
from .duty.records import record_for
from .duty.sources import metric_labels
from .tokens import make_checkin_token


def _staff_only(request):
    if not perms.can_manage_training(request.user):
        raise Http404


def _own_deputy(request):
    deputy = roles.deputy_of(request.user)
    if deputy is None:
        raise Http404
    return deputy


def _error_text(exc):
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# --- deputies ------------------------------------------------------------------------


@login_required
def my_training(request):
    deputy = _own_deputy(request)
    enrolments = list(selectors.my_enrolments(deputy))
    now = timezone.now()
    return render(
        request,
        "training/my_training.html",
        {
            "upcoming": [e for e in enrolments if e.session.ends_at >= now],
            "past": [e for e in enrolments if e.session.ends_at < now],
            "hours": selectors.hours_by_year(deputy),
            "leave_form": forms.LeaveForm(),
        },
    )


@login_required
@require_POST
def request_leave(request, pk):
    deputy = _own_deputy(request)
    enrolment = get_object_or_404(m.Enrolment, pk=pk, deputy=deputy)
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.request_leave(enrolment=enrolment, reason=form.cleaned_data["reason"], user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("请假申请已提交，等待工作人员审批。"))
    else:
        messages.error(request, _("请填写请假事由。"))
    return redirect("training:my")


@login_required
def check_in(request):
    """The page a deputy's phone opens from the session's QR code."""
    token = request.POST.get("t") or request.GET.get("t", "")
    enrolment = error = None
    if request.method == "POST":
        try:
            enrolment = services.check_in(user=request.user, token=token)
        except (ValidationError, PermissionDenied) as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("签到成功，认定学时 %(hours)s。") % {"hours": enrolment.hours_credited})
            return redirect("training:my")
    return render(request, "training/check_in.html", {"token": token, "error": error}, status=400 if error else 200)


@login_required
def materials(request):
    if not perms.can_read_materials(request.user):
        raise Http404
    page = Paginator(selectors.materials_visible_to(request.user).order_by("-created_at", "pk"), 30).get_page(request.GET.get("page"))
    return render(request, "training/materials.html", {"page_obj": page})


@login_required
def material_file(request, pk):
    """A material's file, for whoever may read the library (a download, never run)."""
    if not perms.can_read_materials(request.user):
        raise Http404
    material = get_object_or_404(selectors.materials_visible_to(request.user), pk=pk)
    return file_response(material.file, name=f"{material.title}.{extension_of(material.file.name)}")


@login_required
def my_record(request):
    deputy = _own_deputy(request)
    year = forms.YearForm(request.GET).year_or_default()
    return redirect("training:record", deputy_id=deputy.pk, year=year)


def _record_or_404(request, deputy_id, year):
    """The record as a deputy of one congress (``?congress=``, default the highest
    the viewer may read): a deputy reads each of their own; staff those they see."""
    deputy = get_object_or_404(Deputy, pk=deputy_id)
    record = None
    if perms.can_view_duty_record(request.user, deputy):
        record = record_for(user=request.user, deputy=deputy, year=year, congress_id=request.GET.get("congress"))
    if record is None:
        raise Http404
    return record


@login_required
def record(request, deputy_id, year):
    """The printable yearly record (print CSS in the template)."""
    record = _record_or_404(request, deputy_id, year)
    return render(request, "training/record.html", {"record": record, "now": timezone.now()})


@login_required
def record_xlsx(request, deputy_id, year):
    record = _record_or_404(request, deputy_id, year)
    return exports.xlsx_response(exports.duty_record_workbook(record), f"履职档案-{record.deputy.name}-{year}.xlsx")


# --- staff ------------------------------------------------------------------------------


@login_required
def sessions(request):
    _staff_only(request)
    qs = selectors.sessions_visible_to(request.user).order_by("-starts_at", "pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "training/sessions.html", {"page_obj": page})


def _saved(form, save):
    """What the service ``save()`` returns, or None with its refusal put on the form."""
    try:
        return save()
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, _error_text(exc))
        return None


def _edit_session(request, session=None):
    _staff_only(request)
    form = forms.SessionEditForm(request.POST or None, instance=session, plans=selectors.plans_run_by(request.user))
    if request.method == "POST" and form.is_valid():
        saved = _saved(form, lambda: services.save_session(
            actor=request.user, session=session, **{name: form.cleaned_data[name] for name in services.SESSION_FIELDS}
        ))
        if saved is not None:
            text = _("已保存培训班次“%(title)s”：%(start)s开始，%(hours)s学时。") if session else _(
                "已新建培训班次“%(title)s”：%(start)s开始，%(hours)s学时。下一步：设置报名规则。")
            start = timezone.localtime(saved.starts_at)
            messages.success(request, text % {"title": saved.title, "start": f"{start:%Y-%m-%d %H:%M}", "hours": saved.hours})
            return redirect("training:session", pk=saved.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@login_required
def session_new(request):
    return _edit_session(request)


@login_required
def session_edit(request, pk):
    _staff_only(request)
    return _edit_session(request, get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk))


@login_required
def pick_plans(request):
    """The plan picker's JSON: the staff's own congress's plans whose title (or year) contains the text."""
    _staff_only(request)
    plans = selectors.plans_run_by(request.user)
    text = (request.GET.get("q") or "").strip()
    if text:
        match = Q(title__contains=text)
        plans = plans.filter(match | Q(year=int(text)) if text.isdigit() and len(text) == 4 else match)
    return pickers.results(plans[: pickers.LIMIT], label=forms.plan_label)


@login_required
def plans(request):
    """培训计划: the plans of the staff's own congress, with their sessions' links."""
    _staff_only(request)
    page = Paginator(selectors.plans_run_by(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/plans.html", {"page_obj": page})


def _edit_plan(request, plan=None):
    _staff_only(request)
    form = forms.PlanEditForm(request.POST or None, instance=plan, terms=selectors.terms_run_by(request.user))
    if request.method == "POST" and form.is_valid():
        saved = _saved(form, lambda: services.save_plan(
            actor=request.user, plan=plan, **{name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
        ))
        if saved is not None:
            text = _("已保存培训计划“%(title)s”（%(term)s，%(year)s年）。") if plan else _(
                "已新建培训计划“%(title)s”（%(term)s，%(year)s年）。下一步：在该计划下新建培训班次。")
            messages.success(request, text % {"title": saved.title, "term": saved.term, "year": saved.year})
            return redirect("training:plans")
    return render(request, "training/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_new(request):
    return _edit_plan(request)


@login_required
def plan_edit(request, pk):
    _staff_only(request)
    return _edit_plan(request, get_object_or_404(selectors.plans_run_by(request.user), pk=pk))


@login_required
def pick_terms(request):
    """The term picker's JSON: the staff's own congress's terms whose congress name contains the text."""
    _staff_only(request)
    terms = selectors.terms_run_by(request.user)
    text = (request.GET.get("q") or "").strip()
    if text:
        match = Q(congress__name__contains=text)
        terms = terms.filter(match | Q(number=int(text)) if text.isdigit() and len(text) <= 2 else match)
    return pickers.results(terms[: pickers.LIMIT])


@login_required
def session_detail(request, pk):
    _staff_only(request)
    # The staff of a congress above read it (no marking, no QR code, no editing); what they post answers 404.
    readable = selectors.sessions_readable_by if request.method == "GET" else selectors.sessions_visible_to
    session = get_object_or_404(readable(request.user), pk=pk)
    page = Paginator(selectors.session_roll(session), 100).get_page(request.GET.get("page"))
    return render(request, "training/session_detail.html", {
        "session": session, "page_obj": page, "rules": session.rules.select_related("term__congress", "group"),
        "read_only": not roles.acts_on(request.user, session.plan.term.congress_id),
    })


@login_required
@require_POST
def mark(request, pk):
    _staff_only(request)
    enrolment = get_object_or_404(selectors.enrolments_visible_to(request.user), pk=pk)
    form = forms.MarkForm(request.POST)
    if form.is_valid():
        try:
            services.mark_attendance(
                enrolment=enrolment, attended=form.cleaned_data["attended"], hours=form.cleaned_data["hours"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    return redirect(reverse("training:session", args=[enrolment.session_id]) + f"?page={request.POST.get('page', 1)}")


@login_required
def session_qr(request, pk):
    """The QR code shown at the venue; the page reloads itself before the token expires."""
    _staff_only(request)
    import segno

    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    policy = m.TrainingPolicy.current()
    url = request.build_absolute_uri(reverse("training:check-in") + "?t=" + make_checkin_token(session))
    refresh = max(30, policy.checkin_token_minutes * 60 - 60)
    return render(
        request,
        "training/session_qr.html",
        {"session": session, "qr": segno.make(url, error="m").svg_inline(scale=8), "url": url, "refresh_seconds": refresh},
    )


def _coverage_args(request):
    form = forms.CoverageFilterForm(request.GET or None)
    term = level = None
    if form.is_bound and form.is_valid():
        term = form.cleaned_data["term"]
        level = form.cleaned_data["level"] or None
    terms = [term] if term else list(selectors.current_terms())
    seen = roles.seen_congresses(request.user)  # its own congress's and those below it
    if seen is not None:
        seen_ids = set(seen.values_list("pk", flat=True))
        terms = [t for t in terms if t.congress_id in seen_ids]
    return form, terms, level


@login_required
def coverage(request):
    _staff_only(request)
    form, terms, level = _coverage_args(request)
    policy = m.TrainingPolicy.current()
    report = selectors.coverage_report(terms=terms, level=level, policy=policy)
    page = Paginator(selectors.not_covered(terms=terms, level=level, policy=policy), 50).get_page(request.GET.get("page"))
    return render(request, "training/coverage.html", {"form": form, "report": report, "page_obj": page, "chart": {"coverage": report.chart()}})


@login_required
def coverage_xlsx(request):
    _staff_only(request)
    form, terms, level = _coverage_args(request)
    policy = m.TrainingPolicy.current()
    report = selectors.coverage_report(terms=terms, level=level, policy=policy)
    workbook = exports.coverage_workbook(report, selectors.not_covered(terms=terms, level=level, policy=policy))
    return exports.xlsx_response(workbook, f"学习培训覆盖情况-{timezone.localdate():%Y%m%d}.xlsx")


def _records_shown(request, data):
    """(year, congress or None, the records of that congress and year) for the
    staff's records list: the congress chosen among those the staff supervise,
    else their own (every congress's for the whole province)."""
    form = forms.RecordsFilterForm(data or None, user=request.user)
    year = forms.YearForm(data).year_or_default()  # a congress not offered does not lose the year
    congress = (form.cleaned_data.get("congress") if form.is_valid() else None) or roles.congress_of(request.user)
    qs = selectors.duty_records_visible_to(request.user).filter(year=year)
    if congress is not None:
        qs = qs.filter(congress=congress)
    return form, year, congress, qs.order_by("-score", "deputy_id")


@login_required
def records(request):
    _staff_only(request)
    form, year, congress, qs = _records_shown(request, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    latest = qs.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return render(request, "training/records.html", {
        "page_obj": page, "year": year, "computed_at": latest, "form": form, "congress": congress,
        # Looking down, not acting down: a congress below is read, refreshed by its own staff.
        "may_refresh": congress is None or roles.acts_on(request.user, congress.pk),
    })


@login_required
@require_POST
def records_refresh(request):
    """Recompute the year's records of the staff's own congress (every
    congress's for the whole province), in the background."""
    _staff_only(request)
    from .tasks import refresh_duty_records

    year = forms.YearForm(request.POST).year_or_default()
    congress = roles.congress_of(request.user)
    refresh_duty_records.delay(year, congress.pk if congress else None)
    if congress is None:
        messages.success(request, _("已开始重新计算各级人大 %(year)s 年度履职档案，稍后刷新本页查看。") % {"year": year})
    else:
        messages.success(request, _("已开始重新计算%(congress)s %(year)s 年度履职档案，稍后刷新本页查看。") % {"congress": congress, "year": year})
    return redirect(reverse("training:records") + f"?year={year}")


@login_required
def records_xlsx(request):
    _staff_only(request)
    _form, year, _congress, qs = _records_shown(request, request.GET)
    return exports.xlsx_response(exports.duty_records_workbook(qs, metric_labels(), year), f"履职档案-{year}.xlsx")

"""Pages: the public directory, station and deputy pages with the message
form and QR codes; the keepers' and deputies' workspace; the units' page for
forwarded issues; figures and the yearly rating for staff."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles
from congress_portal.client_address import client_address
from congress_portal.forms import put_errors_on
from deputies.models import Deputy

from . import duty, forms, ledgers, permissions, qr, selectors, services, tracking
from .models import ISSUE_LIFECYCLE, ConstituentRating, Issue, Station, StationPolicy, format_tracking_code

DIRECTORY_PAGE_SIZE = 30
QUEUE_PAGE_SIZE = 30
QR_FORMATS = ("png", "svg")
LAST_CODE_SESSION_KEY = "liaison_stations:last_tracking_code"


# ---------------------------------------------------------------- public

def directory(request):
    filters = forms.DirectoryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    stations = selectors.station_directory(
        q=data.get("q", ""), area_code=data.get("area", ""), kind=data.get("kind", "")
    )
    page = Paginator(stations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/directory.html", {"filters": filters, "page": page})


def _message_response(request, *, station, deputy, form_kwargs, template, context):
    policy = form_kwargs["policy"]
    if request.method == "POST":
        form = forms.PublicMessageForm(request.POST, **form_kwargs)
        if form.is_valid():
            target_station = form.cleaned_data.get("station", station)
            try:
                issue = services.submit_public_message(
                    station=target_station, deputy=deputy, content=form.cleaned_data["content"],
                    name=form.cleaned_data["name"], contact=form.cleaned_data["contact"],
                    consents_to_contact=form.cleaned_data["consents_to_contact"], client_ip=client_address(request),
                )
            except services.RateLimited as error:
                form.add_error(None, error)
                return render(request, template, {**context, "form": form}, status=429)
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                # The confirmation page shows the code to this browser only.
                request.session[LAST_CODE_SESSION_KEY] = issue.tracking_code
                return redirect("liaison_stations:message_received")
        return render(request, template, {**context, "form": form}, status=400)
    form = forms.PublicMessageForm(**form_kwargs)
    return render(request, template, {**context, "form": form, "policy": policy})


def station_page(request, pk):
    """The page a station's QR code opens: who is stationed, when receptions
    are, and a form to leave a message."""
    try:
        station = selectors.public_station(pk=pk)
    except Station.DoesNotExist:
        raise Http404 from None
    policy = StationPolicy.current()
    context = {
        "station": station,
        "receptions": selectors.upcoming_receptions(station=station, horizon_days=policy.rota_horizon_days),
        "activities": selectors.upcoming_activities(station=station),
        "is_model": station.model_years.filter(year=timezone.localdate().year).exists(),
    }
    return _message_response(
        request, station=station, deputy=None, form_kwargs={"policy": policy},
        template="liaison_stations/station_page.html", context=context,
    )


def deputy_page(request, pk):
    """The page a deputy's QR code opens: the stations they receive at and a message form to them."""
    try:
        deputy = selectors.public_deputy(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    policy = StationPolicy.current()
    station_ids = [s.station_id for s in deputy.active_stationings]
    stations = Station.objects.filter(pk__in=station_ids).order_by("name")
    context = {"deputy": deputy}
    return _message_response(
        request, station=None, deputy=deputy, form_kwargs={"policy": policy, "stations": stations},
        template="liaison_stations/deputy_page.html", context=context,
    )


def message_received(request):
    code = request.session.get(LAST_CODE_SESSION_KEY, "")
    return render(request, "liaison_stations/message_received.html", {
        "code": code, "code_display": format_tracking_code(code),
    })


def track(request):
    """The form where a person types their tracking code; it leads to the status page."""
    form = forms.TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("liaison_stations:track_status", code=form.cleaned_data["code"])
    return render(request, "liaison_stations/track.html", {"form": form}, status=400 if form.is_bound else 200)


def track_status(request, code):
    """The public status of one issue by its tracking code. A wrong, guessed or
    malformed code answers 404 exactly as a missing one; every lookup counts
    toward the per-address limit."""
    try:
        services.check_tracking_rate(client_ip=client_address(request))
    except services.RateLimited as error:
        return render(request, "liaison_stations/track.html", {
            "form": forms.TrackForm(), "refusal": " ".join(error.messages),
        }, status=429)
    try:
        issue = tracking.tracked_issue(code=code)
    except Issue.DoesNotExist:
        raise Http404 from None
    status = tracking.public_status(issue)
    form = forms.RatingForm(request.POST or None) if status.can_rate else None
    http_status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("该问题现在不能评价。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rate_issue(issue=issue, rating=data["rating"], comment=data["comment"],
                                    mobile_last4=data["mobile_last4"])
            except services.RateLimited as error:
                form.add_error(None, error)
                http_status = 429
            except ValidationError as error:
                put_errors_on(form, error)
                http_status = 400
            else:
                messages.success(request, _("感谢您的评价。"))
                return redirect("liaison_stations:track_status", code=issue.tracking_code)
        else:
            http_status = 400
    return render(request, "liaison_stations/track_status.html", {"status": status, "form": form}, status=http_status)


def _qr_response(request, url, fmt, name, title=""):
    if fmt == "png":
        response = HttpResponse(qr.png(url), content_type="image/png")
    else:
        response = HttpResponse(qr.svg(url, title=title), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}-qr.{fmt}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


def station_qr(request, pk, fmt):
    if fmt not in QR_FORMATS:
        raise Http404
    station = get_object_or_404(Station.objects.active(), pk=pk)
    return _qr_response(request, qr.station_public_url(station), fmt, f"station-{station.pk}", title=station.name)


def deputy_qr(request, pk, fmt):
    if fmt not in QR_FORMATS:
        raise Http404
    try:
        deputy = selectors.public_deputy(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    return _qr_response(request, qr.deputy_public_url(deputy), fmt, f"deputy-{deputy.pk}", title=deputy.name)


def station_qr_print(request, pk):
    """A printable sheet: the station's name, address, reception days and its QR code."""
    try:
        station = selectors.public_station(pk=pk)
    except Station.DoesNotExist:
        raise Http404 from None
    return render(request, "liaison_stations/qr_print.html", {
        "station": station, "url": qr.station_public_url(station),
        "qr_svg": qr.svg(qr.station_public_url(station), scale=8, title=station.name).decode(),
        "deputies": [(s.deputy, qr.deputy_public_url(s.deputy)) for s in station.active_stationings],
    })


# ---------------------------------------------------------------- workspace (keepers, deputies, staff)

def _workspace_user(request):
    if not permissions.can_use_workspace(request.user):
        raise PermissionDenied(_("联络站工作台仅对联络站管理员、进站代表和工作人员开放。"))


@login_required
def workspace(request):
    if roles.is_unit_member(request.user):
        return redirect("liaison_stations:unit_issues")
    _workspace_user(request)
    stations = selectors.workspace_stations(user=request.user)
    page = Paginator(stations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/workspace.html", {
        "page": page, "can_record": roles.is_station_keeper(request.user) or roles.is_staff_member(request.user),
    })


def _issue_list(request, template):
    filters = forms.IssueFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    station_id = request.GET.get("station")
    issues = selectors.issue_queue(
        user=request.user, status=data.get("status", ""), overdue=data.get("overdue", False),
        unsatisfied=data.get("unsatisfied", False), keyword=data.get("q", ""),
        station_id=int(station_id) if station_id and station_id.isdigit() else None,
    )
    page = Paginator(issues, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"filters": filters, "page": page, "today": timezone.localdate()})


@login_required
def issue_queue(request):
    _workspace_user(request)
    return _issue_list(request, "liaison_stations/issue_queue.html")


@login_required
def issue_detail(request, pk):
    _workspace_user(request)
    try:
        # The staff of a congress above read it (no form, no personal data); what they post answers 404.
        issue = selectors.issue_detail(user=request.user, pk=pk, supervise=request.method != "POST")
    except Issue.DoesNotExist:
        raise Http404 from None
    user = request.user
    station = issue.station
    can_handle = permissions.can_handle_issues_at(user, station)
    # The forms offered are the moves the lifecycle's table allows from here.
    moves = set(ISSUE_LIFECYCLE.allowed_moves(issue.status)) if can_handle else set()
    action_forms = {}
    if "answer" in moves:
        action_forms["answer"] = forms.AnswerForm(prefix="answer")
    if moves & {"forward", "re_forward"}:
        action_forms["forward"] = forms.ForwardForm(prefix="forward", issue=issue)
    if ("take_up_as_suggestion" in moves and permissions.can_take_up_as_suggestion(user, station)
            and roles.deputy_of(user) is not None):
        action_forms["suggest"] = forms.SuggestionForm(prefix="suggest")
    if "close" in moves:
        action_forms["close"] = forms.CloseForm(prefix="close")
    if "reopen" in moves and issue.rating == ConstituentRating.NOT_SATISFIED:
        action_forms["reopen"] = forms.ReopenForm(prefix="reopen")

    if request.method == "POST":
        action = request.POST.get("action")
        if action not in action_forms:
            raise PermissionDenied(_("当前不能进行该操作。"))
        form_class = type(action_forms[action])
        form = form_class(request.POST, prefix=action, **({"issue": issue} if action == "forward" else {}))
        action_forms[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "answer":
                    services.answer_issue(issue=issue, answer=data["answer"], actor=user)
                    done = _("已当场答复，问题已办结。")
                elif action == "forward":
                    moved = services.forward_issue(issue=issue, unit=data["unit"], due_on=data["due_on"],
                                                   note=data["note"], actor=user)
                    done = _("已转办%(unit)s，反馈期限%(due)s。") % {
                        "unit": data["unit"].name, "due": date_format(moved.feedback_due_on, "DATE_FORMAT")}
                elif action == "close":
                    services.close_issue(issue=issue, outcome=data["outcome"], actor=user)
                    done = _("问题已办结，反映人可凭查询码看到办理结果。")
                elif action == "reopen":
                    services.reopen_issue(issue=issue, note=data["note"], actor=user)
                    done = _("已按群众不满意重新办理，问题回到待办。")
                elif action == "suggest":
                    services.take_up_as_suggestion(issue=issue, deputy=roles.deputy_of(user), title=data["title"],
                                                   category=data["category"], content=data["content"], actor=user)
                    done = _("已转为代表建议“%(title)s”，提交代表工作委员会审查。") % {"title": data["title"]}
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, done)
                return redirect("liaison_stations:issue", pk=issue.pk)
    return render(request, "liaison_stations/issue_detail.html", {
        "issue": issue, "action_forms": action_forms,
        "show_personal": permissions.can_see_personal_data(user, issue),
        "read_only": roles.is_staff_member(user) and not permissions.acts_at(user, station),
    })


def _recordable_station(request, pk):
    station = get_object_or_404(Station.objects.handled_by(request.user).distinct(), pk=pk)
    if not permissions.can_record_at(request.user, station):
        raise Http404
    return station


@login_required
def visit_new(request, pk):
    """The visit register form (来访登记): the visit, the people received, the issues raised."""
    station = _recordable_station(request, pk)
    if request.method == "POST":
        form = forms.VisitForm(request.POST, station=station)
        visitors = forms.VisitorFormSet(request.POST, prefix="visitors")
        issues = forms.IssueFormSet(request.POST, prefix="issues")
        if form.is_valid() and visitors.is_valid() and issues.is_valid():
            try:
                visit = services.record_visit(
                    station=station, actor=request.user, received_on=form.cleaned_data["received_on"],
                    people_count=form.cleaned_data["people_count"], deputies=form.cleaned_data["deputies"],
                    activity=form.cleaned_data["activity"], summary=form.cleaned_data["summary"],
                    visitors=[f.cleaned_data for f in visitors if f.cleaned_data],
                    issues=[f.cleaned_data for f in issues if f.cleaned_data],
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("来访登记已保存，共%(n)d个问题。") % {"n": visit.issues.count()})
                return redirect("liaison_stations:visits", pk=station.pk)
    else:
        form = forms.VisitForm(station=station, initial={"received_on": timezone.localdate()})
        visitors = forms.VisitorFormSet(prefix="visitors")
        issues = forms.IssueFormSet(prefix="issues")
    return render(request, "liaison_stations/visit_form.html", {
        "station": station, "form": form, "visitors": visitors, "issues": issues,
    })


@login_required
def visit_list(request, pk):
    station = _recordable_station(request, pk)
    page = Paginator(selectors.station_visits(station=station), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/visit_list.html", {"station": station, "page": page})


@login_required
def rota(request, pk):
    """The reception rota: rules with their next dates, and one-off activities; keepers add to both."""
    station = _recordable_station(request, pk)
    rule_form = forms.ReceptionRuleForm(station=station, prefix="rule")
    activity_form = forms.ActivityForm(station=station, prefix="activity")
    if request.method == "POST":
        kind = request.POST.get("kind")
        try:
            if kind == "rule":
                rule_form = forms.ReceptionRuleForm(request.POST, station=station, prefix="rule")
                if rule_form.is_valid():
                    data = dict(rule_form.cleaned_data)
                    deputies = data.pop("deputies")
                    services.save_reception_rule(station=station, actor=request.user, deputies=deputies, **data)
                    messages.success(request, _("接待日安排已保存。"))
                    return redirect("liaison_stations:rota", pk=station.pk)
            elif kind == "activity":
                activity_form = forms.ActivityForm(request.POST, station=station, prefix="activity")
                if activity_form.is_valid():
                    data = dict(activity_form.cleaned_data)
                    deputies = data.pop("deputies")
                    services.save_activity(station=station, actor=request.user, deputies=deputies, **data)
                    messages.success(request, _("活动已保存。"))
                    return redirect("liaison_stations:rota", pk=station.pk)
        except ValidationError as error:
            put_errors_on(rule_form if kind == "rule" else activity_form, error)
    rules = list(selectors.station_rules(station=station))
    today = timezone.localdate()
    return render(request, "liaison_stations/rota.html", {
        "station": station, "rules": [(r, r.next_dates(after=today, count=4)) for r in rules],
        "activities": station.activities.select_related("handling_unit").order_by("-starts_at")[:30],
        "check_ins": duty.recent_check_ins(station=station),
        "rule_form": rule_form, "activity_form": activity_form,
    })


@login_required
def ledger(request, pk, kind):
    station = _recordable_station(request, pk)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    try:
        content, filename = ledgers.export(station=station, kind=kind, year=year)
    except KeyError:
        raise Http404 from None
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def check_in_qr(request, pk, fmt):
    """The station's duty QR code, for its keepers to print beside the reception desk."""
    if fmt not in QR_FORMATS:
        raise Http404
    station = _recordable_station(request, pk)
    response = _qr_response(request, duty.check_in_url(station), fmt, f"station-{station.pk}-duty",
                            title=_("%(name)s扫码进站") % {"name": station.name})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def check_in_page(request, token):
    """What the duty QR code opens: a deputy signed in on the phone checks in with one tap."""
    try:
        station = duty.station_for_token(token)
    except Station.DoesNotExist:
        raise Http404 from None
    status = 200
    if request.method == "POST":
        try:
            _check_in, created = duty.check_in(station=station, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            status = 403 if isinstance(error, PermissionDenied) else 400
        else:
            messages.success(request, _("已扫码进站，感谢您接待群众。") if created else _("您今天已在本站扫码进站。"))
            return redirect("liaison_stations:check_in", token=token)
    refusal = duty.check_refusal(station=station, user=request.user)
    return render(request, "liaison_stations/check_in.html", {
        "station": station, "today": timezone.localdate(),
        "checked_in": duty.todays_check_in(station=station, user=request.user),
        "refusal": " ".join(getattr(refusal, "messages", [str(refusal)])) if refusal is not None else "",
    }, status=status)


# ---------------------------------------------------------------- handling units

def _unit_member(request):
    if not (roles.is_unit_member(request.user) or roles.is_staff_member(request.user)):
        raise PermissionDenied(_("仅对承办单位开放。"))


@login_required
def unit_issues(request):
    _unit_member(request)
    return _issue_list(request, "liaison_stations/unit_issues.html")


@login_required
def unit_issue(request, pk):
    _unit_member(request)
    try:
        issue = selectors.issue_detail(user=request.user, pk=pk)
    except Issue.DoesNotExist:
        raise Http404 from None
    form = None
    if "feed_back" in ISSUE_LIFECYCLE.allowed_moves(issue.status) and permissions.can_give_feedback(request.user, issue):
        form = forms.FeedbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.give_feedback(issue=issue, feedback=form.cleaned_data["feedback"], actor=request.user)
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("反馈已提交。"))
                return redirect("liaison_stations:unit_issue", pk=issue.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("该问题当前不能反馈。"))
    return render(request, "liaison_stations/unit_issue.html", {"issue": issue, "form": form})


# ---------------------------------------------------------------- figures and rating (staff)

def _year(request):
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@login_required
def figures(request):
    if not permissions.can_view_figures(request.user):
        raise PermissionDenied
    year = _year(request)
    supervised = Station.objects.supervised_by(request.user)  # its own congress's and those below
    # One read of every station's figures: the areas are summed from it, the chart shows every station and the
    # table pages through it.
    areas, stations = selectors.area_and_station_figures(year=year, stations=supervised)
    return render(request, "liaison_stations/figures.html", {
        "year": year, "areas": areas, "station_count": len(stations),
        "page": Paginator(stations, 100).get_page(request.GET.get("page")),
        "charts": selectors.figures_charts(areas=areas, stations=stations),
    })


@login_required
def rating(request):
    if not permissions.can_view_figures(request.user):
        raise PermissionDenied
    year = _year(request)
    ranked = selectors.station_rating(year=year, stations=Station.objects.supervised_by(request.user))
    page = Paginator(ranked, 100).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/rating.html", {
        "year": year, "page": page, "designated": selectors.model_stations(year=year),
        "policy": StationPolicy.current(),
    })


@login_required
@require_POST
def designate(request):
    year = _year(request)
    station = get_object_or_404(Station.objects.supervised_by(request.user), pk=request.POST.get("station"))
    score = request.POST.get("score") or None
    try:
        services.designate_model_station(station=station, year=year, score=score, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已评定为%(year)d年度示范站：%(name)s") % {"year": year, "name": station.name})
    return redirect(f"{reverse('liaison_stations:rating')}?year={year}")

"""What the suggestion pages of every audience share: role gates, putting a
service's errors back on the form, paging, deadline badges and the parts of a
detail page every role sees."""
import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from congress_portal.accounts import roles
from congress_portal.forms import put_errors_on

PAGE_SIZE = 20


@dataclass(frozen=True)
class Action:
    """One thing a page lets its user do to an item: the form that asks for
    it, the service call that does it, and what the page says when it is done
    (``bulk_done``: what the bulk page says, for an action offered on several
    items at once)."""

    form: type
    call: object
    done: str
    bulk_done: str = ""


def role_required(predicate):
    """Signed-in users of the role only; another role's page answers 404, the
    same as a page that does not exist."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


deputy_required = role_required(roles.is_deputy)
unit_required = role_required(roles.is_unit_member)
staff_required = role_required(roles.is_staff_member)


def run(form, call):
    """Validate ``form`` and call the service with its cleaned data. True when done."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        put_errors_on(form, exc)
        return False
    return True


def posted_action(request, actions, subject, *extra, form_kwargs=None):
    """Run the action a detail page posted: look it up in ``actions`` (a map of
    :class:`Action`), bind its form, call it as ``call(subject, user, data, *extra)``
    and say it is done (``form_kwargs(action, todo)``: more arguments for the form,
    e.g. what scopes its pickers). Returns ``(done, bound)``:
    ``bound`` holds the form that came back with errors, to show it again."""
    bound = {}
    if request.method != "POST":
        return False, bound
    action = request.POST.get("action")
    if action not in actions:
        raise Http404
    todo = actions[action]
    form = bound[action] = todo.form(request.POST, request.FILES, **(form_kwargs(action, todo) if form_kwargs else {}))
    if run(form, lambda d: todo.call(subject, request.user, d, *extra)):
        messages.success(request, todo.done)
        return True, bound
    return False, bound


def refusal(exc):
    """A service's refusal as one line, for a message above the page."""
    return " ".join(getattr(exc, "messages", [str(exc)]))


def page_of(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def days_left(due_at, now=None):
    """Whole days from today (Asia/Shanghai) to the due day; negative when overdue."""
    if due_at is None:
        return None
    today = timezone.localdate(now or timezone.now())
    return (timezone.localtime(due_at).date() - today).days


def deadline(due_at, now=None):
    """What a deadline badge shows: days left, or days overdue."""
    if due_at is None:
        return None
    now = now or timezone.now()
    left = days_left(due_at, now)
    late = due_at < now
    return {"due_at": due_at, "days_left": left, "is_late": late, "overdue_days": max(-left, 1) if late else 0}


def mark_deadlines(rows, due=lambda row: row.reply_due_at, open_=lambda row: True):
    """Sets ``row.deadline`` (``with_units`` already lists the lead unit first)."""
    now = timezone.now()
    for row in rows:
        row.deadline = deadline(due(row), now) if open_(row) else None
    return rows


def detail_context(suggestion, *, attachments=True):
    """What every detail page shows, from the prefetches of selectors.suggestion_detail
    (the public page's read no attachments: ``attachments=False``)."""
    replies = sorted(suggestion.replies.all(), key=lambda r: (r.replied_at, r.pk))
    return {
        "suggestion": suggestion,
        "assignments": suggestion.active_assignments,
        "replies": replies,
        "current_replies": [r for r in replies if r.is_current],
        "cosignatures": sorted(suggestion.cosignatures.all(), key=lambda c: c.pk),
        "attachments": list(suggestion.attachments.all()) if attachments else [],
    }

"""扫码进站: a stationed deputy checks in for reception duty by scanning the
station's duty QR code (distinct from the public one, which opens the message
form). The code is a signed URL: a station's number alone does not make one.
A check-in counts once per deputy, station and day however often it is made,
and only in a reception window (configurable in StationPolicy): on a day of
the station's reception rota or of one of its activities, from a margin
before the start to a margin after the end."""
import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from .models import Activity, CheckIn, Station, StationPolicy

SALT = "liaison_stations.check_in"
# An activity without an end time is taken to last this long.
ACTIVITY_DEFAULT_LENGTH = datetime.timedelta(hours=3)


def _signer():
    # "." between the number and the signature: nothing in the URL needs escaping.
    return signing.Signer(salt=SALT, sep=".")


def check_in_token(station):
    """The signed part of the station's duty URL (stable: printed codes keep working)."""
    return _signer().sign(str(station.pk))


def check_in_url(station):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("liaison_stations:check_in", args=[check_in_token(station)])


def station_for_token(token):
    """The active station a duty token was signed for; Station.DoesNotExist for anything else."""
    try:
        pk = _signer().unsign(token or "")
    except signing.BadSignature:
        raise Station.DoesNotExist from None
    return Station.objects.active().get(pk=int(pk))


def reception_windows(*, station, day, policy=None):
    """The (start, end) aware datetimes on ``day`` during which a check-in at
    ``station`` counts: its reception rules' times and its activities', each
    widened by the policy's margin."""
    policy = policy or StationPolicy.current()
    margin = datetime.timedelta(minutes=policy.check_in_margin_minutes)
    tz = timezone.get_default_timezone()
    windows = []
    for rule in station.reception_rules.filter(is_active=True):
        if rule.dates_between(day, day):
            start = datetime.datetime.combine(day, rule.start_time, tzinfo=tz)
            end = datetime.datetime.combine(day, rule.end_time, tzinfo=tz)
            windows.append((start - margin, end + margin))
    day_start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    activities = Activity.objects.filter(
        station=station, starts_at__gte=day_start, starts_at__lt=day_start + datetime.timedelta(days=1)
    )
    for activity in activities:
        end = activity.ends_at or activity.starts_at + ACTIVITY_DEFAULT_LENGTH
        windows.append((activity.starts_at - margin, end + margin))
    return sorted(windows)


def check_refusal(*, station, user, now=None, policy=None):
    """Why ``user`` may not check in at ``station`` now (PermissionDenied or
    ValidationError, not raised), or None when they may."""
    deputy = roles.deputy_of(user)
    if deputy is None or not station.stationings.filter(deputy=deputy, is_active=True).exists():
        return PermissionDenied(_("您不是本站进站代表，不能扫码进站。"))
    policy = policy or StationPolicy.current()
    now = now or timezone.now()
    if policy.check_in_on_reception_days_only:
        windows = reception_windows(station=station, day=timezone.localdate(now), policy=policy)
        if not any(start <= now <= end for start, end in windows):
            return ValidationError(_("现在不在本站的接待时段内，不能扫码进站。"), code="outside_window")
    return None


def check_in(*, station, user, now=None):
    """Record ``user`` (a deputy stationed at ``station``) on reception duty
    there today. Returns (CheckIn, created): a second scan the same day finds
    the first one. The unique constraint decides, also for two scans at once."""
    now = now or timezone.now()
    refusal = check_refusal(station=station, user=user, now=now)
    if refusal is not None:
        raise refusal
    deputy = roles.deputy_of(user)
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            return CheckIn.objects.create(station=station, deputy=deputy, on_date=today, at=now, user=user), True
    except IntegrityError:
        return CheckIn.objects.get(station=station, deputy=deputy, on_date=today), False


def todays_check_in(*, station, user):
    deputy = roles.deputy_of(user)
    if deputy is None:
        return None
    return CheckIn.objects.filter(station=station, deputy=deputy, on_date=timezone.localdate()).first()


def recent_check_ins(*, station, limit=30):
    return CheckIn.objects.filter(station=station).select_related("deputy").only(
        "id", "on_date", "at", "deputy__id", "deputy__name"
    ).order_by("-on_date", "-at", "-pk")[:limit]

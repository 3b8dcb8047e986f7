"""Deputies' logins made in bulk from the roster.

Staff pick serving deputies (by congress, level, delegation, or every serving
deputy of their congress without a login); each gets an account with no
usable password and a one-time first sign-in code
(``congress_portal.accounts.first_sign_in``), printed once on a list for the
delegation's contact. Set-based: a few queries and bulk inserts whatever the
number of deputies, in one transaction; the function takes ids, so a
background job can run it as it is."""
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from congress_portal.accounts import roles
from congress_portal.accounts.first_sign_in import code_rows, new_code
from congress_portal.accounts.models import FirstSignInCode, Role, User

from .models import Deputy, Mandate, MandateStatus
from .permissions import can_create_deputy_logins

CHUNK = 5000
NAMED = 10  # a refusal names this many deputies, then says how many more


@dataclass
class LoginBatch:
    """What ``create_deputy_logins`` did: (deputy, username, code) per new
    account, (deputy, existing username) per deputy skipped."""

    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _chunks(items):
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _names(deputies):
    names = "、".join(d.name for d in deputies[:NAMED])
    if len(deputies) > NAMED:
        names += _("等%(n)s名") % {"n": len(deputies)}
    return names


def serving_mandates(actor):
    """Serving mandates in the congresses ``actor`` acts on."""
    mandates = Mandate.objects.filter(status=MandateStatus.SERVING)
    return roles.scope_to_congress(mandates, actor)


def _usernames(deputies):
    """{deputy id: (username, phone or None)}: the mobile number when no
    account uses it as a username or a phone (nor an earlier deputy of the
    batch), else daibiao<id>."""
    phones = sorted({d.phone for d in deputies if d.phone})
    taken = set()
    for chunk in _chunks(phones):
        taken |= set(User.objects.filter(username__in=chunk).values_list("username", flat=True))
        taken |= set(User.objects.filter(phone__in=chunk).values_list("phone", flat=True))
    chosen = {}
    for deputy in deputies:
        if deputy.phone and deputy.phone not in taken:
            taken.add(deputy.phone)
            chosen[deputy.pk] = (deputy.phone, deputy.phone)
        else:
            chosen[deputy.pk] = (f"daibiao{deputy.pk}", None)
    generated = [name for name, phone in chosen.values() if phone is None]
    clash = set()
    for chunk in _chunks(generated):
        clash |= set(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    for deputy_id, (name, phone) in chosen.items():
        if name in clash:
            chosen[deputy_id] = (f"{name}-{secrets.token_hex(3)}", None)
    return chosen


@transaction.atomic
def create_deputy_logins(*, deputy_ids, actor, now=None):
    """Create a login for each deputy of ``deputy_ids`` that has none. Every
    deputy must serve in a congress the actor acts on, or nothing is created
    and the refusal names them. Deputies with a login are skipped and reported."""
    if not can_create_deputy_logins(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以开通代表账号。"))
    ids = sorted({int(pk) for pk in deputy_ids})
    if not ids:
        raise ValidationError(_("请选择要开通账号的代表。"))
    now = now or timezone.now()
    deputies = []
    for chunk in _chunks(ids):
        # Locked: two staff making logins for the same deputies at once make one each.
        deputies += Deputy.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=chunk).order_by("pk")
    if len(deputies) != len(ids):
        found = {d.pk for d in deputies}
        missing = [str(pk) for pk in ids if pk not in found]
        raise ValidationError(_("没有编号为%(ids)s的代表，未开通任何账号。") % {"ids": "、".join(missing[:NAMED])})
    serving = set()
    for chunk in _chunks(ids):
        serving |= set(serving_mandates(actor).filter(deputy_id__in=chunk).values_list("deputy_id", flat=True))
    outside = [d for d in deputies if d.pk not in serving]
    if outside:
        raise ValidationError(
            _("%(names)s不是本级人大的在任代表，未开通任何账号。") % {"names": _names(outside)}, code="outside"
        )
    batch = LoginBatch(skipped=[(d, d.user.username) for d in deputies if d.user_id is not None])
    todo = [d for d in deputies if d.user_id is None]
    if not todo:
        return batch
    names = _usernames(todo)
    users = User.objects.bulk_create(
        [
            User(
                username=names[d.pk][0], phone=names[d.pk][1], role=Role.DEPUTY, display_name=d.name,
                password=make_password(None), date_joined=now,
            )
            for d in todo
        ],
        batch_size=1000,
    )
    codes = {}
    for deputy, user in zip(todo, users):
        deputy.user_id, deputy.updated_at = user.pk, now
        codes[user.pk] = new_code()
        batch.created.append((deputy, user.username, codes[user.pk]))
    bulk_update_with_history(
        todo, Deputy, ["user", "updated_at"], batch_size=1000, default_user=actor,
        default_change_reason=_("批量开通代表账号"),
    )
    FirstSignInCode.objects.bulk_create(code_rows(codes, actor=actor, now=now), batch_size=1000)
    return batch


@transaction.atomic
def reissue_first_sign_in_codes(*, deputy_ids, actor, now=None):
    """New first sign-in codes for deputies whose login has not yet been
    used (no password set): the printed list was lost, or the code expired.
    The old codes stop working. Deputies who have set a password are skipped;
    one outside the actor's congresses, or without a login, refuses all."""
    if not can_create_deputy_logins(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以开通代表账号。"))
    ids = sorted({int(pk) for pk in deputy_ids})
    if not ids:
        raise ValidationError(_("请选择代表。"))
    deputies = []
    for chunk in _chunks(ids):
        deputies += Deputy.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=chunk).order_by("pk")
    serving = set()
    for chunk in _chunks(ids):
        serving |= set(serving_mandates(actor).filter(deputy_id__in=chunk).values_list("deputy_id", flat=True))
    refused = [d for d in deputies if d.pk not in serving or d.user_id is None]
    if refused or len(deputies) != len(ids):
        raise ValidationError(
            _("%(names)s不是本级人大已开通账号的在任代表，未重新生成任何登录码。") % {"names": _names(refused) or "—"}
        )
    batch = LoginBatch(skipped=[(d, d.user.username) for d in deputies if d.user.has_usable_password()])
    todo = [d for d in deputies if not d.user.has_usable_password()]
    codes = {d.user_id: new_code() for d in todo}
    FirstSignInCode.objects.filter(user_id__in=list(codes)).delete()
    FirstSignInCode.objects.bulk_create(code_rows(codes, actor=actor, now=now), batch_size=1000)
    batch.created = [(d, d.user.username, codes[d.user_id]) for d in todo]
    return batch


# --------------------------------------------------------------------------- reads
def login_candidates(actor, *, congress=None, level="", delegation=None, name="", without_login=True):
    """Serving deputies of the actor's congresses matching the filters, by
    name; each with ``matching``, its serving mandates there (area,
    delegation, constituency), to tell two people of one name apart."""
    mandates = serving_mandates(actor)
    if congress is not None:
        mandates = mandates.filter(congress=congress)
    if level:
        mandates = mandates.filter(level=level)
    if delegation is not None:
        mandates = mandates.filter(delegation=delegation)
    deputies = Deputy.objects.filter(Exists(mandates.filter(deputy=OuterRef("pk"))))
    if without_login:
        deputies = deputies.filter(user__isnull=True)
    if name:
        deputies = deputies.filter(name__contains=name)
    shown = mandates.select_related("congress__area", "delegation", "electoral_unit").order_by("-start_date")
    return deputies.select_related("user").prefetch_related(Prefetch("mandates", queryset=shown, to_attr="matching")).order_by("name", "pk")


def place_of(deputy):
    """区域 · 代表团（选区） of a deputy's first matching mandate."""
    mandate = deputy.matching[0] if getattr(deputy, "matching", None) else None
    if mandate is None:
        return ""
    parts = [mandate.congress.area.name]
    if mandate.delegation_id:
        parts.append(mandate.delegation.name)
    elif mandate.electoral_unit_id:
        parts.append(mandate.electoral_unit.name)
    return " · ".join(parts)


def login_sheet(actor, batch):
    """The printable list: the new logins grouped by delegation (or
    constituency), each row with name, place, birth year, username and code."""
    ids = [deputy.pk for deputy, _u, _c in batch.created]
    described = {}
    for chunk in _chunks(ids):
        described.update({d.pk: d for d in login_candidates(actor, without_login=False).filter(pk__in=chunk)})
    groups = {}
    for deputy, username, code in batch.created:
        full = described.get(deputy.pk, deputy)
        mandate = full.matching[0] if getattr(full, "matching", None) else None
        group = (mandate.delegation.name if mandate and mandate.delegation_id else
                 mandate.electoral_unit.name if mandate and mandate.electoral_unit_id else _("其他"))
        groups.setdefault(group, []).append({
            "deputy": full, "place": place_of(full), "username": username, "code": code,
            "birth_year": full.birth_date.year if full.birth_date else "",
        })
    return sorted(groups.items())

"""议案: proposing a motion at a session, the presidium's decision (placed on
the agenda and referred to a special committee / not placed and handled as a
suggestion with its signers), and the committee's review report. Status
changes go through ``lifecycles.MOTIONS``."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.notifications.text import cn_date
from deputies.models import Mandate, MandateStatus

from ..lifecycles import MOTIONS
from ..models import CoSignature, CoSignState, Motion, MotionSigner, MotionStatus, MotionThreshold, NumberCounter, ProposalWindow
from .common import required
from .submission import submit_suggestion


def _next_motion_number(session):
    return NumberCounter.take_next(f"motion:{session.pk}")


def _check_window(session, at):
    opens, closes = ProposalWindow.bounds(session)
    if at < opens:
        raise ValidationError(
            _("本次会议议案提出时间自%(opens)s开始。") % {"opens": cn_date(timezone.localdate(opens))}, code="window"
        )
    if at > closes:
        local = timezone.localtime(closes)
        raise ValidationError(
            _("本次会议议案提出截止时间为%(closes)s，已过截止时间，不能再提出议案。")
            % {"closes": f"{cn_date(local.date())} {local:%H:%M}"},
            code="window",
        )


def _check_signers(session, lead_deputy, delegation, signers):
    """The signers (lead deputy first) of a joint motion: at least the legal
    number, each a serving deputy of the session's congress and term; a
    delegation's motion is led by a deputy of that delegation."""
    term = session.term
    if delegation is not None:
        if delegation.term_id != term.pk:
            raise ValidationError({"delegation": _("代表团不属于本届人民代表大会。")}, code="delegation")
        if not Mandate.objects.filter(
            deputy=lead_deputy, term=term, delegation=delegation, status=MandateStatus.SERVING
        ).exists():
            raise ValidationError({"lead_deputy": _("领衔代表不是该代表团的在任代表。")}, code="not_member")
    signers = list(dict.fromkeys([lead_deputy, *signers]))
    serving = set(
        Mandate.objects.filter(term=term, status=MandateStatus.SERVING, deputy__in=signers).values_list("deputy_id", flat=True)
    )
    outsiders = [d.name for d in signers if d.pk not in serving]
    if outsiders:
        raise ValidationError(
            {"signers": _("以下代表不是本届本级人民代表大会的在任代表：%(names)s。") % {"names": "、".join(outsiders)}},
            code="not_serving",
        )
    if delegation is None:
        needed = MotionThreshold.for_level(term.congress.level)
        if len(signers) < needed:
            raise ValidationError(
                {"signers": _("代表联名提出议案，须有本级人民代表大会代表%(needed)s人以上联名，现有%(count)s人。")
                 % {"needed": needed, "count": len(signers)}},
                code="too_few_signers",
            )
    return signers


def propose_motion(*, actor, session, lead_deputy, title, content, delegation=None, signers=(), at=None):
    """提出议案: a delegation's, or a joint one of at least the legal number
    of deputies, within the session's proposal window. A deputy proposes in
    their own name; staff enter a paper motion."""
    if not roles.is_staff_member(actor) and roles.deputy_of(actor) != lead_deputy:
        raise PermissionDenied(_("只能以本人名义领衔提出议案。"))
    required(title, "title", _("请填写案由。"))
    required(content, "content", _("请填写案据和方案。"))
    if session is None:
        raise ValidationError({"session": _("请选择会议。")}, code="required")
    at = at or timezone.now()
    _check_window(session, at)
    signers = _check_signers(session, lead_deputy, delegation, signers)
    with transaction.atomic():
        motion = Motion.objects.create(
            session=session, number=_next_motion_number(session), title=title.strip(), content=content.strip(),
            delegation=delegation, lead_deputy=lead_deputy, submitted_at=at,
            entered_by=actor if roles.is_staff_member(actor) else None,
        )
        MotionSigner.objects.bulk_create(MotionSigner(motion=motion, deputy=d) for d in signers)
        MOTIONS.record_event(
            obj=motion, move_name="propose", old="", new=MotionStatus.SUBMITTED, actor=actor,
            note=delegation.name if delegation is not None else _("%(n)s名代表联名") % {"n": len(signers)},
        )
    return motion


def withdraw_motion(*, motion, actor, note=""):
    return MOTIONS.transition(motion, "withdraw", actor=actor, note=note.strip())


def place_on_agenda(*, motion, actor, committee, note=""):
    """主席团决定列入会议议程，交专门委员会审议."""
    required(committee, "committee", _("请填写交付审议的专门委员会。"))

    def apply(locked):
        locked.committee = committee.strip()
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()

    return MOTIONS.transition(
        motion, "place_on_agenda", actor=actor, note=committee.strip(), apply=apply,
        fields=["committee", "decided_at", "decision_note"],
    )


def record_review_report(*, motion, actor, report):
    """专门委员会的审议结果报告."""
    required(report, "report", _("请填写审议结果报告。"))

    def apply(locked):
        locked.review_report = report.strip()
        locked.reported_at = timezone.now()

    return MOTIONS.transition(
        motion, "record_report", actor=actor, apply=apply, fields=["review_report", "reported_at"]
    )


def handle_as_suggestion(*, motion, actor, category, note=""):
    """主席团决定不列入会议议程，作为建议处理: the motion becomes a suggestion of
    its session, led by its lead deputy, its other signers kept as confirmed
    co-signers (they signed the motion); linked both ways. Returns the suggestion."""
    if category is None:
        raise ValidationError({"category": _("请选择建议类别。")}, code="required")
    made = {}

    def apply(locked):
        signers = [s.deputy for s in locked.signatures.select_related("deputy") if s.deputy_id != locked.lead_deputy_id]
        suggestion = submit_suggestion(
            actor=actor, lead_deputy=locked.lead_deputy, title=locked.title, content=locked.content, category=category,
            during_session=True, session=locked.session, co_signers=signers, submitted_at=timezone.now(),
        )
        # They signed the motion: nothing to confirm, no invitation to send.
        CoSignature.objects.filter(suggestion=suggestion).update(state=CoSignState.CONFIRMED, responded_at=timezone.now())
        locked.suggestion = suggestion
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        made["suggestion"] = suggestion

    with transaction.atomic():
        MOTIONS.transition(
            motion, "handle_as_suggestion", actor=actor, note=note.strip(), apply=apply,
            fields=["suggestion", "decided_at", "decision_note"], related=("session", "lead_deputy"),
        )
    return made["suggestion"]

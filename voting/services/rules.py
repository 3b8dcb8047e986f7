"""A congress's own ballot rules (票决规则): the quorum and majority shares
and the review stages (审议环节) its ballots pass. A congress without its own
rows follows the default ones (edited on 规则设置 by the committee); its staff
may give it its own, or go back to the default.

Stages are read when a ballot is reviewed (``ReviewStage.sequence_for``), so
they cannot change while one of the congress's ballots is in review; shares
are written into a ballot when voting opens, so changing them touches no
ballot already open."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from ..models import Ballot, BallotStatus, ReviewStage, VotingPolicy

MAX_STAGES = 6


def congress_rules(congress):
    """(policy row in force, its review stages, whether they are the congress's own)."""
    own_policy = VotingPolicy.objects.filter(congress=congress).first()
    own_stages = list(ReviewStage.objects.filter(congress=congress).order_by("order"))
    policy = own_policy or VotingPolicy.for_congress(congress.pk)
    stages = own_stages or list(ReviewStage.objects.filter(congress__isnull=True).order_by("order"))
    return policy, stages, own_policy is not None or bool(own_stages)


def _stage_names(names):
    names = [name.strip() for name in names if name and name.strip()]
    if not names:
        raise ValidationError({"stages": _("请至少填写一个审议环节。")})
    if len(names) > MAX_STAGES:
        raise ValidationError({"stages": _("审议环节最多%(n)s个。") % {"n": MAX_STAGES}})
    if len(set(names)) != len(names):
        raise ValidationError({"stages": _("审议环节不能重名。")})
    return names


def _refuse_while_in_review(congress, stages):
    in_review = list(Ballot.objects.filter(congress=congress, status=BallotStatus.REVIEW).values_list("title", flat=True)[:3])
    current = [stage.name for stage in ReviewStage.sequence_for(congress.pk)]
    if in_review and stages != current:
        raise ValidationError({"stages": _("%(titles)s正在审议中，审议结束前不能修改审议环节。") % {"titles": "、".join(in_review)}})


@transaction.atomic
def save_congress_rules(*, congress, actor, quorum_share=None, majority_share=None, stages=(), use_default=False):
    """Give ``congress`` its own rules (shares and stages), or with
    ``use_default`` drop them so it follows the default again: all or nothing."""
    if roles.congress_of(actor) is None or not roles.acts_on(actor, congress.pk):
        raise PermissionDenied(_("只能修改本级人大的票决规则。"))
    if use_default:
        default_stages = [stage.name for stage in ReviewStage.objects.filter(congress__isnull=True).order_by("order")]
        _refuse_while_in_review(congress, default_stages)
        VotingPolicy.objects.filter(congress=congress).delete()
        ReviewStage.objects.filter(congress=congress).delete()
        return None
    names = _stage_names(stages)
    _refuse_while_in_review(congress, names)
    policy = VotingPolicy.objects.select_for_update().filter(congress=congress).first()
    if policy is None:
        default = VotingPolicy.for_congress(None)
        policy = VotingPolicy(
            congress=congress, public_proposals_per_hour=default.public_proposals_per_hour,
            report_interval_days=default.report_interval_days, report_reminder_days=default.report_reminder_days,
        )
    policy.quorum_share, policy.majority_share = quorum_share, majority_share
    policy.full_clean()
    policy._history_user = actor
    policy._change_reason = _("本级票决规则页修改")
    policy.save()
    ReviewStage.objects.filter(congress=congress).delete()
    ReviewStage.objects.bulk_create(
        [ReviewStage(congress=congress, order=order, name=name) for order, name in enumerate(names, 1)]
    )
    return policy

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("代表建议")

    def ready(self):
        from congress_portal.notifications import badges, registry

        from .notices import NOTICES
        from .notices.handover import NOTICES as HANDOVER_NOTICES
        from .notices.letters import NOTICES as LETTER_NOTICES
        from .notices.motions import NOTICES as MOTION_NOTICES

        registry.register(NOTICES)
        registry.register(LETTER_NOTICES)
        registry.register(MOTION_NOTICES)
        registry.register(HANDOVER_NOTICES)

        from django.db.models.signals import post_delete, post_save

        from . import summary
        from .models import Assignment, Rating, Reply, Suggestion

        # Any write that a dashboard figure counts makes its summary rows stale.
        for model in (Suggestion, Assignment, Reply, Rating):
            post_save.connect(summary.mark_stale, sender=model, dispatch_uid=f"dashboard-summary-{model.__name__}")
            post_delete.connect(summary.mark_stale, sender=model, dispatch_uid=f"dashboard-summary-del-{model.__name__}")
        from . import public_pages
        from .models import CoSignature, MergeLink, SuggestionEvent

        # Any write of what the public pages show makes their cached copies out of date.
        shown = (Suggestion, Assignment, Reply, Rating, SuggestionEvent, CoSignature, MergeLink,
                 "deputies.HandlingUnit", "suggestions.SuggestionCategory", "suggestions.ResultCategory",
                 "suggestions.SuggestionPolicy", "suggestions.MergedRating")
        for model in shown:
            label = model if isinstance(model, str) else model.__name__
            post_save.connect(public_pages.bump, sender=model, dispatch_uid=f"public-pages-{label}")
            post_delete.connect(public_pages.bump, sender=model, dispatch_uid=f"public-pages-del-{label}")
        badges.register("suggestions:invitations", _open_invitations)
        badges.register("suggestions:my_motions", _open_motion_invitations)

        from congress_portal.jobs import registry as jobs

        from .jobs import KINDS

        for kind in KINDS:
            jobs.register(kind)

        from congress_portal import policies

        from .models import SuggestionPolicy

        policies.register(SuggestionPolicy, row=SuggestionPolicy.current, order=10)


def _open_invitations(user):
    """附议邀请 waiting for the deputy's answer (the badge on 附议邀请)."""
    from congress_portal.accounts import roles

    from .models import CoSignature, CoSignState

    if not roles.is_deputy(user):
        return None
    return CoSignature.objects.filter(deputy__user=user, state=CoSignState.INVITED)


def _open_motion_invitations(user):
    """Invitations to sign a draft motion waiting for the deputy's answer (the badge on 我的议案)."""
    from congress_portal.accounts import roles

    from .models import InvitationState, MotionInvitation, MotionStatus

    if not roles.is_deputy(user):
        return None
    return MotionInvitation.objects.filter(
        deputy__user=user, state=InvitationState.INVITED, motion__status=MotionStatus.DRAFT
    )

"""The deadline policy staff set (also editable in the admin)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from ..models import SuggestionPolicy


def update_policy(*, actor, **values):
    """Staff change the deadline policy (also editable in the admin)."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以修改办理期限设置。"))
    policy = SuggestionPolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy

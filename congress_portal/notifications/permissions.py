"""Who may do what with notifications (pure predicates on accounts.roles)."""
from congress_portal.accounts import roles


def can_use_inbox(user):
    return getattr(user, "is_authenticated", False)


def can_manage_deliveries(user):
    return roles.is_staff_member(user)


def can_run_scan(user):
    return roles.is_staff_member(user)

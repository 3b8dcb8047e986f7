"""Who may see and do what with deputies, built on accounts.roles.

Pure predicates, used by the API's permission classes, the admin and the
import/export code."""
from congress_portal.accounts.roles import deputy_of, is_staff_member


def can_see_personal_data(user):
    """ID number and phone: committee staff only (never the public, units,
    keepers, nor other deputies)."""
    return is_staff_member(user)


def can_manage_deputies(user):
    """Create and change deputies, mandates, groups, units; import and export."""
    return is_staff_member(user)


def can_import_deputies(user):
    return is_staff_member(user)


def is_own_record(user, deputy):
    """A deputy may read their own record (with personal data masked)."""
    own = deputy_of(user)
    return own is not None and deputy is not None and own.pk == deputy.pk


def can_create_deputy_logins(user):
    """Deputies' logins in bulk from the roster: staff, for their own congress's deputies."""
    return is_staff_member(user)

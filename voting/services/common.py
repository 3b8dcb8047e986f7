"""What every part of the ballot services shares: the staff check and the
ballot's advisory lock.

Voters and staff meet on an advisory lock per ballot (namespace, ballot id):
writing a ballot holds it shared (``casting._hold_open_ballot``), closing the
vote and attendance hold it exclusive (``_exclude_voters``). A row lock would do
the same but is unfair: a FOR UPDATE waiting behind FOR SHARE holders lets new
FOR SHARE lockers pass, so under a steady stream of voters "close" waited until
the stream dried up. The lock manager queues a shared request behind a waiting
exclusive one, so a close waits only for the ballots already being written and
every later one is refused. The exclusive lock is taken before the ballot's row
lock (``lifecycles.BALLOTS.lock``), in the same transaction."""
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from .. import permissions

BALLOT_LOCK_NAMESPACE = 0x766F7465  # "vote"


def _require_staff(actor, obj=None):
    """Staff; of ``obj``'s congress (a call, proposal, project or ballot) when given."""
    if not permissions.can_manage(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以进行此操作。"))
    if obj is not None and not permissions.can_manage(actor, obj):
        raise PermissionDenied(_("只能办理本级人大的事项。"))


def _ballot_lock_key(ballot):
    return [BALLOT_LOCK_NAMESPACE, ballot.pk & 0x7FFFFFFF]


def _exclude_voters(ballot):
    """Wait for the ballots being written to commit and keep new ones out until
    this transaction ends (PostgreSQL; SQLite serialises every write anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _ballot_lock_key(ballot))


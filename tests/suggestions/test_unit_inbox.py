"""The unit's inbox order."""
import pytest

from suggestions import services
from tests.deputies import factories as df

pytestmark = pytest.mark.django_db


def test_the_unit_inbox_puts_items_awaiting_acknowledgement_first(actors):
    """Acknowledgement has a short window (re-assignment requests), so those come
    before items already acknowledged even when those are due sooner."""
    import datetime

    from django.utils import timezone

    from suggestions import selectors
    from suggestions.models import Assignment, Status
    from tests.suggestions.factories import in_status

    unit = df.HandlingUnitFactory()
    acknowledged, _a, _u = in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    services.acknowledge_assignment(assignment=acknowledged.assignments.get(unit=unit), actor=actors.unit_user(unit))
    waiting, _a, _u = in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    # The acknowledged item is due sooner: by deadline alone it would come first.
    Assignment.objects.filter(suggestion=acknowledged, unit=unit).update(reply_due_at=timezone.now() + datetime.timedelta(days=5))
    inbox = list(selectors.unit_inbox_open_first(user=actors.unit_user(unit)))
    assert [a.suggestion_id for a in inbox] == [waiting.pk, acknowledged.pk]

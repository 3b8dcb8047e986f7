"""Every suggestion page renders for its own role, in each state an item can be in."""
import pytest
from django.urls import reverse

from suggestions.models import Status
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.ASSIGNED, Status.REPLIED, Status.REHANDLING, Status.FOLLOWUP, Status.FOLLOWUP_REPLIED])
def test_every_page_renders_in_every_state(client, status):
    s, actors, units = in_status(status)
    client.force_login(actors.deputy_user)
    detail = reverse("suggestions:draft" if status == Status.DRAFT else "suggestions:my_detail", args=[s.pk])
    for url in [reverse("suggestions:my_list"), detail, reverse("suggestions:invitations"), reverse("suggestions:create")]:
        assert client.get(url).status_code == 200, url
    client.force_login(actors.staff)
    for name in ["staff_dashboard", "staff_list", "staff_review", "staff_assign_queue", "staff_overdue", "staff_disclosure", "staff_export", "staff_followup"]:
        assert client.get(reverse(f"suggestions:{name}")).status_code == 200, name
    assert client.get(reverse("suggestions:staff_detail", args=[s.pk])).status_code == (404 if status == Status.DRAFT else 200)
    if status not in (Status.DRAFT, Status.SUBMITTED):
        unit_user = actors.unit_user(units[0])
        client.force_login(unit_user)
        assignment = s.assignments.get(unit=units[0], is_active=True)
        for url in [reverse("suggestions:unit_inbox"), reverse("suggestions:unit_figures"), reverse("suggestions:unit_detail", args=[assignment.pk])]:
            assert client.get(url).status_code == 200, url
    client.logout()
    for name in ["public_list", "public_units"]:
        assert client.get(reverse(f"suggestions:{name}")).status_code == 200

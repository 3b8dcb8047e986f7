"""Demo data for the notifications part (run by load_demo after the
suggestions and stations seeds): the policy row, a channel choice for the demo
deputy, and one real run of the reminder scan and of the month's progress
notice, so each role's inbox shows what the portal says. Idempotent: a second
run says nothing twice."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seed the notifications demo: policy, a channel preference, and a first scan and monthly notice."

    def handle(self, *args, **options):
        from congress_portal.accounts.models import User
        from congress_portal.notifications.models import ChannelPreference, NotificationPolicy

        NotificationPolicy.current()
        deputy = User.objects.filter(username="deputy").first()
        if deputy is not None:
            ChannelPreference.objects.get_or_create(user=deputy, defaults={"email": False, "sms": True})
        from congress_portal.notifications import registry
        from congress_portal.notifications.services import record_messages

        result = registry.scan()
        notices = len(record_messages(messages=registry.periodic_messages("monthly", force=True)))
        self.stdout.write(
            f"notifications: scan found {len(result.messages)} (recorded {result.recorded}), "
            f"monthly notices recorded {notices}"
        )

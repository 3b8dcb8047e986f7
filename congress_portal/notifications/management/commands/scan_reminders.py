"""Runs the reminder scan by hand. With --dry-run it prints what it would
send and to whom, marking what was already sent, and writes nothing: staff
check before a deadline.

A broker that is down does not fail the scan: what was found is recorded in
the database with its deliveries pending, and the sweeper
(``dispatch_due_deliveries``) queues them once the broker is back."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.notifications import registry
from congress_portal.notifications.models import Notification, NotificationPolicy
from congress_portal.notifications.services import record_messages
from congress_portal.notifications.sending import broker_reachable


class Command(BaseCommand):
    help = "Scan for due reminders (and with --monthly/--results the notices); --dry-run prints without sending."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
        parser.add_argument("--date", help="scan as of this day (YYYY-MM-DD), default today")
        parser.add_argument("--monthly", action="store_true", help="also the monthly progress notices")
        parser.add_argument("--results", action="store_true", help="also the results notices of ended sessions")
        parser.add_argument("--limit", type=int, default=200, help="lines to print in a dry run (default 200)")

    def handle(self, *args, dry_run=False, date=None, monthly=False, results=False, limit=200, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        messages = registry.due_messages(today=today, policy=NotificationPolicy.current())
        if monthly:
            messages += registry.periodic_messages("monthly", today=today)
        if results:
            messages += registry.periodic_messages("results", today=today)
        if dry_run:
            self._print(messages, today, limit)
            return
        recorded = record_messages(messages=messages) if messages else []
        if recorded and not broker_reachable():
            self.stdout.write(f"{today}: found {len(messages)}, recorded {len(recorded)} (the rest were already sent)")
            self.stdout.write(self.style.WARNING(_(
                "消息队列暂时无法连接：%(count)d 条新消息已记录在数据库中，将在下次补发（消息重试与补发任务）时发送。"
            ) % {"count": len(recorded)}))
            return
        self.stdout.write(f"{today}: found {len(messages)}, recorded and queued {len(recorded)} (the rest were already sent)")

    def _print(self, messages, today, limit):
        existing = set()
        if messages:
            existing = set(
                Notification.objects.filter(
                    kind__in={m.kind for m in messages}, item_id__in={m.item_id for m in messages}
                ).values_list("recipient_key", "kind", "item_type", "item_id", "stage")
            )
        new = [m for m in messages if m.natural_key not in existing]
        self.stdout.write(f"DRY RUN {today}: {len(messages)} due, {len(new)} would be sent, "
                          f"{len(messages) - len(new)} already sent. Nothing is written or sent.")
        for message in sorted(new, key=lambda m: (m.kind, m.recipient.key, m.item_id))[:limit]:
            preview = message.as_row(batch=None, now=timezone.now())
            self.stdout.write(f"  {message.recipient.key:<14} {message.kind:<20} {message.stage:<8} {preview.subject}")
        if len(new) > limit:
            self.stdout.write(f"  ... and {len(new) - limit} more")

from django.core.management.base import BaseCommand

from congress_portal.workdays.sync import sync_from_package


class Command(BaseCommand):
    help = "Copy holidays and make-up workdays from the chinesecalendar package (staff rows are kept)."

    def handle(self, *args, **options):
        created, updated = sync_from_package()
        self.stdout.write(f"calendar days: {created} added, {updated} updated")

"""manage.py export_deputies FILE.xlsx: every mandate with its deputy, in the
sheet format import_deputies reads (export then import changes nothing)."""
from django.core.management.base import BaseCommand, CommandError

from deputies.models import AdministrativeArea, Level, Mandate, MandateStatus
from deputies.resources import write_xlsx


class Command(BaseCommand):
    help = "导出代表及其代表资格到 xlsx 文件。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--masked", action="store_true", help="mask ID numbers and phones (for anyone but staff)")
        parser.add_argument("--level", choices=Level.values)
        parser.add_argument("--status", choices=MandateStatus.values)
        parser.add_argument("--area", help="division code: mandates of congresses in this area and below")

    def handle(self, *args, file, masked=False, level=None, status=None, area=None, **options):
        queryset = Mandate.objects.all()
        if level:
            queryset = queryset.filter(level=level)
        if status:
            queryset = queryset.filter(status=status)
        if area:
            place = AdministrativeArea.objects.filter(code=area).first()
            if place is None:
                raise CommandError(f"no area with code {area}")
            queryset = queryset.filter(congress__area__path__startswith=place.path)
        rows = write_xlsx(file, queryset, masked=masked)
        self.stdout.write(f"{rows} row(s) written to {file}" + (" (ID numbers and phones masked)" if masked else ""))

"""Builds the demo province: each app seeds its own part, in dependency order.

Each app owns a ``seed_<area>`` command; this one only runs them (skipping any
that an app does not have yet) and prints the demo logins."""
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

SEED_COMMANDS = [
    "seed_deputies", "seed_suggestions", "seed_stations", "seed_notifications", "seed_training", "seed_voting", "seed_jobs",
]

DEMO_PASSWORD = "Demo@2026"
DEMO_LOGINS = [
    ("admin", "超级管理员 superuser"),
    ("staff", "省人大常委会代表工作委员会工作人员 provincial committee staff (sees every congress below)"),
    ("staff_furong", "芙蓉区人大常委会工作人员 county staff (芙蓉区 only)"),
    ("staff_yuelu", "岳麓区人大常委会工作人员 county staff (岳麓区 only)"),
    ("staff_pingshang", "坪上镇人大主席团工作人员 township staff"),
    ("staff_huanghua", "黄花镇人大主席团工作人员 township staff"),
    ("unit", "承办单位 handling-unit member"),
    ("deputy", "人大代表 deputy"),
    ("keeper", "联络站管理员 station keeper"),
]


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: skipped when already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="seed even if the demo data is present")

    def handle(self, *args, force=False, **options):
        from congress_portal.accounts.models import User

        if User.objects.filter(username="staff").exists() and not force:
            self.stdout.write("demo data already loaded")
        else:
            available = get_commands()
            for name in SEED_COMMANDS:
                if name in available:
                    self.stdout.write(f"==> {name}")
                    call_command(name, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("\nDemo logins (password %s):" % DEMO_PASSWORD)
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:15} {role}")

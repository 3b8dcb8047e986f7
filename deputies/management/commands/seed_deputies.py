"""Demo data of the deputies app: the province, its congresses, deputies,
groups, handling units and one login per role (password Demo@2026).

``--scale N`` builds a province-sized set instead (at least N deputies), for
benchmarks; it goes through the same bulk import as a staff upload."""
import random
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from congress_portal.accounts.models import Role, User
from deputies import seeding
from deputies.local_demo import build_local_congresses
from deputies.models import AdministrativeArea, Congress, Deputy, Level, Mandate, MandateStatus, UnitContact
from deputies.services import import_deputies

DEMO_PASSWORD = "Demo@2026"
STAFF_GROUP = "代表工作委员会工作人员"
STAFF_APPS = ("deputies", "suggestions", "liaison_stations", "training", "voting", "workdays", "notifications")


class Command(BaseCommand):
    help = "建立演示数据：湖南省的行政区划、五级人大、代表、代表小组、承办单位和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=None,
                            help="build a province-sized set with at least this many deputies (e.g. 140000)")
        parser.add_argument("--no-users", action="store_true", help="skip the demo logins")
        parser.add_argument("--structure-only", action="store_true",
                            help="areas, congresses, terms, sessions, electoral units and delegations only")

    def handle(self, *args, scale=None, no_users=False, structure_only=False, **options):
        if AdministrativeArea.objects.filter(code=seeding.PROVINCE[0]).exists():
            self.stdout.write("deputies demo data already present, skipped")
            return
        started = time.monotonic()
        plan = seeding.Plan.scale(scale) if scale else seeding.Plan.demo()
        rng = random.Random(2026)
        with transaction.atomic():
            province = seeding.build_province(plan)
            units = seeding.build_handling_units(province.province, rng)
            if structure_only:
                self.stdout.write(f"province structure built in {time.monotonic() - started:.1f}s")
                return
            generator = seeding.DeputyGenerator(province, plan)
            report = import_deputies(header=seeding.header(), rows=enumerate(generator.rows(), start=2), file_name="seed_deputies")
            groups, _people = seeding.build_deputy_groups(province, rng, per_county=2 if scale else 1)
            if not no_users:
                self._users(units)
        self.stdout.write(report.summary())
        self.stdout.write(
            f"areas {AdministrativeArea.objects.count()}, deputies {Deputy.objects.count()}, "
            f"mandates {Mandate.objects.count()}, groups {groups}, handling units {len(units)}, "
            f"in {time.monotonic() - started:.1f}s"
        )

    def _users(self, units):
        password = make_password(DEMO_PASSWORD)
        staff_group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
        staff_group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))

        def user(username, role, display_name, **extra):
            u = User(username=username, role=role, display_name=display_name, password=password, **extra)
            u.save()
            return u

        user("admin", Role.STAFF, "系统管理员", is_staff=True, is_superuser=True)
        province = Congress.objects.filter(area__code=seeding.PROVINCE[0], level=Level.PROVINCIAL).first()
        user("staff", Role.STAFF, "代表工作委员会 刘湘云", is_staff=True, congress=province).groups.add(staff_group)
        build_local_congresses(password=password, staff_group=staff_group)
        for username, short in (("unit", "省交通运输厅"), ("unit2", "省教育厅")):
            member = user(username, Role.UNIT, f"{short} 建议办理联络员", handling_unit=units[short])
            contact = UnitContact.objects.filter(unit=units[short]).order_by("pk").first()
            contact.user = member
            contact.save(update_fields=["user"])
        user("keeper", Role.KEEPER, "岳麓区联络站管理员")

        serving = Mandate.objects.filter(status=MandateStatus.SERVING)
        provincial = serving.filter(level=Level.PROVINCIAL).values("deputy_id")
        two_levels = serving.filter(level=Level.COUNTY, deputy_id__in=provincial).order_by("deputy_id")
        in_changsha = two_levels.filter(congress__area__code__startswith="4301").values_list("deputy_id", flat=True)
        deputy_id = in_changsha.first() or two_levels.values_list("deputy_id", flat=True).first()
        deputy2_id = (
            serving.filter(level=Level.TOWNSHIP).exclude(deputy_id=deputy_id).order_by("deputy_id")
            .values_list("deputy_id", flat=True).first()
        )
        for username, pk in (("deputy", deputy_id), ("deputy2", deputy2_id)):
            person = Deputy.objects.get(pk=pk)
            person.user = user(username, Role.DEPUTY, person.name)
            person.save(update_fields=["user"])

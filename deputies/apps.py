from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("人大代表")

    def ready(self):
        from congress_portal.notifications.services import register_addresses

        from .addresses import deputy_addresses, unit_addresses

        register_addresses("unit", unit_addresses)
        register_addresses("deputy", deputy_addresses)

        from congress_portal.jobs import registry as jobs

        from .jobs import KINDS

        for kind in KINDS:
            jobs.register(kind)

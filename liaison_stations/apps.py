from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
    verbose_name = _("代表联络站")

    def ready(self):
        from congress_portal.notifications import registry, services

        from . import bookings, constituents, notices

        registry.register(notices.NOTICES)

        from congress_portal import policies

        from .models import StationPolicy

        policies.register(StationPolicy, row=StationPolicy.current, order=30)
        services.register_addresses(constituents.RECIPIENT_TYPE, constituents.addresses)
        services.register_addresses(bookings.RECIPIENT_TYPE, bookings.addresses)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "congress_portal.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        # Register the Celery tasks in every process (the web process queues
        # send_deliveries by name; autodiscovery runs only in a worker).
        from . import tasks  # noqa: F401
        from . import badges
        from .selectors import unread_for_badge

        badges.register("notifications:inbox", unread_for_badge)

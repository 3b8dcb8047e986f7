from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "congress_portal.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self):
        # Register the task in every process (the web process queues it by name).
        from . import tasks  # noqa: F401

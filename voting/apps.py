from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("民生实事项目票决")

    def ready(self):
        from . import notices

        notices.register()

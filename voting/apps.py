from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("民生实事项目票决")

    def ready(self):
        from . import notices

        notices.register()

        from congress_portal import policies

        from .models import VotingPolicy

        # The default row, for every congress without its own (those stay in the admin).
        policies.register(VotingPolicy, row=VotingPolicy.default_row, exclude=["congress"], order=50)

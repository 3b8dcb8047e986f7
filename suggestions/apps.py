from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("代表建议")

    def ready(self):
        from congress_portal.notifications import registry

        from .notices import NOTICES
        from .notices.letters import NOTICES as LETTER_NOTICES
        from .notices.motions import NOTICES as MOTION_NOTICES

        registry.register(NOTICES)
        registry.register(LETTER_NOTICES)
        registry.register(MOTION_NOTICES)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("学习培训与履职档案")

    def ready(self):
        from congress_portal.notifications import registry

        from .notices import NOTICES

        registry.register(NOTICES)

        from congress_portal import policies

        from .models import TrainingPolicy

        policies.register(TrainingPolicy, row=TrainingPolicy.current, order=40)

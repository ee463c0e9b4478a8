from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "bagalau.surveys"
    label = "surveys"
    verbose_name = _("360 evaluation")

    def ready(self) -> None:
        from bagalau.notifications.periodic import register_periodic

        from . import notices
        from .services import send_reminders

        notices.register()
        register_periodic("surveys.reminders", send_reminders)

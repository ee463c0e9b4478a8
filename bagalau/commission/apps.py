from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "bagalau.commission"
    label = "commission"
    verbose_name = _("Evaluation commission (2018 model)")

    def ready(self) -> None:
        from bagalau.evaluations.access import register_panel_source

        from . import notices, selectors

        notices.register()
        register_panel_source("commission", selectors.panel_tasks)

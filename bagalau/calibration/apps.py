from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalibrationConfig(AppConfig):
    name = "bagalau.calibration"
    label = "calibration"
    verbose_name = _("Calibration sessions")

    def ready(self) -> None:
        from bagalau.evaluations.access import register_panel_source
        from bagalau.notifications.periodic import register_periodic

        from . import notices, selectors

        notices.register()
        # 002 p21: participants know the cases on their agenda while the session runs.
        register_panel_source("calibration", selectors.panel_tasks)
        register_periodic("calibration.escalations", notices.escalate_overdue)

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "bagalau.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from bagalau.org.signals import staff_changed

        from . import notices, periodic

        notices.register()
        periodic.register()
        staff_changed.connect(_refresh, dispatch_uid="evaluations.refresh")


def _refresh(sender: Any, *, body_id: int, servant_ids: list[int], **kwargs: Any) -> None:
    from .services import schedules_refresh

    schedules_refresh(body_id=body_id, servant_ids=servant_ids)

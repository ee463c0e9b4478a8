from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "bagalau.plans"
    label = "plans"
    verbose_name = _("Individual work plans")

    def ready(self) -> None:
        from bagalau.org.signals import staff_changed

        from . import notices

        notices.register()
        staff_changed.connect(_refresh, dispatch_uid="plans.refresh")


def _refresh(sender: Any, *, body_id: int, servant_ids: list[int], **kwargs: Any) -> None:
    from .services import plans_refresh

    plans_refresh(body_id=body_id, servant_ids=servant_ids)

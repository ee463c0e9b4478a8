from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "bagalau.org"
    label = "org"
    verbose_name = _("Organisation and staff")

    def ready(self) -> None:
        from . import notices

        notices.register()

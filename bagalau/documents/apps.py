from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "bagalau.documents"
    label = "documents"
    verbose_name = _("official forms")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Every app declares its forms in a module `printed` (registry.register at import).
        autodiscover_modules("printed")

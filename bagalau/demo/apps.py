from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo and the national-scale synthetic data: on top of every other app.

    `manage.py demo` and `manage.py generate` live here, not in `core`, so that `core`
    (which every app imports) imports none of them.
    """

    name = "bagalau.demo"
    label = "demo"
    verbose_name = _("Demo data")

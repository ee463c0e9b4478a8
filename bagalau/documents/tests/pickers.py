"""Which demo object each registered form is printed for: collected from every installed
bagalau app's `tests.demo_pickers` module (PICKERS: form key → a function giving an object id
on the built demo that the body's head of HR may print; PRINTER: form key → username, by
default `hrhead`). Shared by the documents tests and tools/render_forms.py."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from django.apps import apps

DEFAULT_PRINTER = "hrhead"


def collect() -> tuple[dict[str, Callable[[], int | None]], dict[str, str]]:
    pickers: dict[str, Callable[[], int | None]] = {}
    printers: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("bagalau."):
            continue
        name = f"{config.name}.tests.demo_pickers"
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the app has no tests package
            found = None
        if found is None:
            continue
        module = importlib.import_module(name)
        pickers.update(getattr(module, "PICKERS", {}))
        printers.update(getattr(module, "PRINTER", {}))
    return pickers, printers


def demo_object(form_key: str) -> tuple[int | None, str]:
    """(object id, username of who prints it); None when no picker knows the form."""
    pickers, printers = collect()
    picker = pickers.get(form_key)
    return (picker() if picker else None), printers.get(form_key, DEFAULT_PRINTER)

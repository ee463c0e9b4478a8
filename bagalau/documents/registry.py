"""Which official forms exist: each app declares its forms in its module `printed`.

A FormKind names what a form is made of and how:
- `authorize(user, object_id)` returns the object, or raises the engine's NotFound (strangers)
  or PermissionDenied (known but not allowed) — through the one access rule
  (evaluations.access / confidentiality.may_read_result): only those who may know the result
  may print it (002 p16, p21);
- `build(obj)` returns the Layout, called under translation.override(language); it reads the
  stored data and the methodology version of the record's period (never today's version);
- `body_id(obj)` the state body whose name heads the document and which issues it;
- `servant_id(obj)` the servant the document is about, if any (the service record lists it);
- `period(obj)` the evaluation period the document belongs to, (year, quarter) with quarter 0
  for a year: the three-year retention counts from its end (001 p8, 002 p15); None for a
  document of no one period (the service record, a catalog table), kept by the year issued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from .layout import Layout


@dataclass(frozen=True)
class FormKind:
    key: str
    label: Promise | str
    authorize: Callable[[Any, int], Any]
    build: Callable[[Any], Layout]
    body_id: Callable[[Any], int]
    servant_id: Callable[[Any], int | None] = lambda obj: None
    period: Callable[[Any], tuple[int, int] | None] = lambda obj: None


_FORMS: dict[str, FormKind] = {}


def register(kind: FormKind) -> FormKind:
    if kind.key in _FORMS and _FORMS[kind.key] is not kind:
        raise ValueError(f"form {kind.key!r} registered twice")
    _FORMS[kind.key] = kind
    return kind


def get(key: str) -> FormKind | None:
    return _FORMS.get(key)


def all_forms() -> list[FormKind]:
    return list(_FORMS.values())
